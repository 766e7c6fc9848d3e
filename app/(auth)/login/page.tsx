import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { Button } from '@/components/ui/button';
import { getActor, safeCallbackPath } from '@/lib/auth/session';
import { isEmbeddedDatabase } from '@/db/config';
import { env, isOidcEnabled } from '@/lib/env';

import { signInWithOidcAction } from './actions';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: PageProps<'/login'>) {
  const { callbackUrl, error } = await searchParams;
  const target = safeCallbackPath(callbackUrl);
  if (await getActor()) redirect(target);

  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-2xl font-bold tracking-tight text-indigo-700">Stageway</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-900">Sign in to the console</h1>
        </div>
        <div className="space-y-4 rounded-xl bg-surface p-6 shadow-sm ring-1 ring-slate-200">
          {error === 'AccessDenied' && (
            <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
              That account has no access to Stageway.
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
