import type { FieldErrors } from '@/lib/errors';

/** What every form action returns to `useActionState`. `values` refill the form (React resets it). */
export type FormState = {
  status: 'idle' | 'success' | 'error';
  message?: string;
  fieldErrors?: FieldErrors;
  values?: Record<string, string>;
  /** What a success hands back to show once (a one-time password, the id of what was made). */
  data?: Record<string, string>;
};

export const idle: FormState = { status: 'idle' };
