'use server';

import { AuthError, CredentialsSignin } from 'next-auth';

import type { FormState } from '@/lib/actions/form-state';
import { toFieldErrors } from '@/lib/errors';
import { credentialsSchema, signIn } from '@/lib/auth/auth';
import { safeCallbackPath } from '@/lib/auth/session';

/** Public by nature: this is how a visitor becomes a user. Throttling and audit live in lib/auth/sign-in. */
export async function signInAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const values = {
    email: String(formData.get('email') ?? ''),
    callbackUrl: String(formData.get('callbackUrl') ?? ''),
  };
  const parsed = credentialsSchema.safeParse({
    email: formData.get('email'),
    password: formData.get('password'),
  });
  if (!parsed.success) return { status: 'error', fieldErrors: toFieldErrors(parsed.error), values };
  try {
    // On success this throws Next's redirect, which must reach Next: only AuthErrors are caught.
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallbackPath(values.callbackUrl) });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const isRateLimited = error instanceof CredentialsSignin && error.code === 'rate_limited';
    return {
      status: 'error',
      message: isRateLimited
        ? 'Too many failed sign-ins: wait a little, then try again.'
        : 'Wrong email or password.',
      values,
    };
  }
  return { status: 'success' };
}

export async function signInWithOidcAction(formData: FormData): Promise<void> {
  await signIn('oidc', { redirectTo: safeCallbackPath(formData.get('callbackUrl')) });
}
