import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { Button } from '@/components/ui/button';
import { oidcRefusals, type OidcRefusal } from '@/lib/auth/oidc-sign-in';
import { getActor, safeCallbackPath } from '@/lib/auth/session';
import { isEmbeddedDatabase } from '@/db/config';
import { env, isOidcEnabled } from '@/lib/env';

import { signInWithOidcAction } from './actions';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

/**
 * What a failed sign-in through the identity provider reads as: a refusal of Stageway's own (no
 * verified email, a disabled account), or next-auth's for an answer it could not verify (the ID
 * token's issuer, audience, signature or expiry), which the server log and the audit trail detail.
 */
function refusalOf(error: string): string | null {
  if (error === 'AccessDenied') return 'That account has no access to Stageway.';
  if (error.startsWith('sso_')) {
    const code = error.slice(4);
    return code in oidcRefusals ? `Single sign-on refused: ${oidcRefusals[code as OidcRefusal]}` : null;
  }
  if (error === 'CredentialsSignin') return null;
  return 'Single sign-on failed: the identity provider’s answer could not be verified. Try again, or ask an administrator.';
}

export default async function LoginPage({ searchParams }: PageProps<'/login'>) {
  const { callbackUrl, error } = await searchParams;
  const target = safeCallbackPath(callbackUrl);
  if (await getActor()) redirect(target);
  const refusal = typeof error === 'string' ? refusalOf(error) : null;

  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-2xl font-bold tracking-tight text-indigo-700">Stageway</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-900">Sign in to the console</h1>
        </div>
        <div className="space-y-4 rounded-xl bg-surface p-6 shadow-sm ring-1 ring-slate-200">
          {refusal && (
            <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
              {refusal}
            </p>
          )}
          <LoginForm callbackUrl={target} />
          {isOidcEnabled && (
            <form action={signInWithOidcAction}>
              <input type="hidden" name="callbackUrl" value={target} />
              <Button type="submit" variant="secondary" className="w-full">
                Continue with {env.AUTH_OIDC_NAME}
              </Button>
            </form>
          )}
        </div>
        {isEmbeddedDatabase && (
          <p className="text-center text-xs text-slate-500">
            Demo: admin@example.com, alice@example.com, bob@example.com … password <code>stageway-demo</code>
          </p>
        )}
      </div>
    </main>
  );
}
