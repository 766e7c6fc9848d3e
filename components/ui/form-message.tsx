import type { FormState } from '@/lib/actions/form-state';

/** The form-level outcome of a server action, announced to screen readers. */
export function FormMessage({ state }: { state: FormState }) {
  if (state.status === 'idle' || !state.message) return null;
  const isError = state.status === 'error';
  return (
    <p
      role={isError ? 'alert' : 'status'}
      className={
        isError
          ? 'rounded-md bg-red-50 p-3 text-sm text-red-700'
          : 'rounded-md bg-emerald-50 p-3 text-sm text-emerald-700'
      }
    >
      {state.message}
    </p>
  );
}
