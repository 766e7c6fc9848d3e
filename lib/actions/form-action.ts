import { refresh } from 'next/cache';
import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';

import type { Actor } from '@/lib/auth/actor';
import { authenticate } from '@/lib/auth/session';
import {
  databaseUnavailable,
  isAppError,
  isDatabaseUnavailable,
  refuseUnstorableText,
  toFieldErrors,
} from '@/lib/errors';

import type { FormState } from './form-state';

function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    // Never echo secrets back into the page.
    if (typeof value === 'string' && !key.startsWith('$') && !/password|token|secret/i.test(key))
      values[key] = value;
  }
  return values;
}

/**
 * The one builder for form mutations. The returned function is a public endpoint: it resolves the
 * session into an Actor on the server, parses the form with zod, and calls the domain function, which
 * authorizes. Domain refusals become a typed state; anything else is logged, never shown.
 * `onSuccess` may redirect. After a success or a conflict (someone else changed it first) the page
 * behind is re-read, so what it shows is what is stored, never stale buttons. `forPasswordChange`:
 * the one action open to someone who must first replace a one-time password.
 */
export function formAction<S extends z.ZodType, R>(
  schema: S,
  run: (actor: Actor, input: z.infer<S>) => Promise<R>,
  onSuccess: (result: R) => FormState | Promise<FormState>,
  options: { forPasswordChange?: boolean } = {},
) {
  return async (_previous: FormState, formData: FormData): Promise<FormState> => {
    const values = formValues(formData);
    let result: R;
    try {
      const actor = await authenticate(options);
      refuseUnstorableText(Object.fromEntries(formData.entries()));
      const parsed = schema.safeParse(Object.fromEntries(formData.entries()));
      if (!parsed.success) {
        return {
          status: 'error',
          message: 'Some fields need attention.',
          fieldErrors: toFieldErrors(parsed.error),
          values,
        };
      }
      result = await run(actor, parsed.data);
    } catch (error) {
      unstable_rethrow(error);
      if (isAppError(error)) {
        if (error.code === 'conflict') refresh();
        return { status: 'error', message: error.message, fieldErrors: error.fieldErrors, values };
      }
      if (isDatabaseUnavailable(error))
        return { status: 'error', message: databaseUnavailable(error).message, values };
      console.error('form action failed', error);
      return {
        status: 'error',
        message: 'Something went wrong on our side; nothing was saved. Try again.',
        values,
      };
    }
    refresh();
    return onSuccess(result);
  };
}
