import type { FieldErrors } from '@/lib/errors';

/** What every form action returns to `useActionState`. `values` refill the form (React resets it). */
export type FormState = {
  status: 'idle' | 'success' | 'error';
  message?: string;
  fieldErrors?: FieldErrors;
  values?: Record<string, string>;
};

export const idle: FormState = { status: 'idle' };
