import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

import { env, isOidcEnabled } from '@/lib/env';

import type { AuthMethod } from './actor';
import { requestContextFrom } from './request-context';
import { authSecret } from './secret';
import { signInWithOidc, signInWithPassword } from './sign-in';

declare module 'next-auth' {
  interface Session {
    userId: string;
    authMethod: AuthMethod;
  }
}

export class RateLimited extends CredentialsSignin {
  code = 'rate_limited';
}

export const credentialsSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email').max(320).email('Enter a valid email'),
  password: z.string().min(1, 'Enter your password').max(1000),
});

function config(): NextAuthConfig {
  return {
    // Resolved per request, not at import: `next build` must not need (or create) a secret.
    secret: authSecret(),
    trustHost: true,
    logger: {
      // A failed sign-in is an expected outcome (audited in lib/auth/sign-in), not a server error.
      error(error) {
        if ((error as { type?: string }).type !== 'CredentialsSignin') console.error('[auth]', error);
      },
    },
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      Credentials({
        credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, request) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const result = await signInWithPassword(parsed.data, requestContextFrom(request.headers));
          if (result.status === 'rate_limited') throw new RateLimited();
          return result.status === 'signed_in' ? result.user : null;
        },
      }),
      ...(isOidcEnabled
        ? [
            {
              id: 'oidc',
              name: env.AUTH_OIDC_NAME,
              type: 'oidc' as const,
              issuer: env.AUTH_OIDC_ISSUER,
              clientId: env.AUTH_OIDC_CLIENT_ID,
              clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
            },
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        if (!user.email) return false;
        const known = await signInWithOidc(user.email, { ip: null, userAgent: null, requestId: null });
        if (!known) return false;
        // From here on the token carries Stageway's user id, not the provider's subject.
        user.id = known.id;
        return true;
      },
      jwt({ token, user, account }) {
        if (user?.id) {
          token.sub = user.id;
          token.authMethod = account?.provider === 'oidc' ? 'oidc' : 'password';
        }
        return token;
      },
      session({ session, token }) {
        // Only the id and method travel; roles are read from the database on every request.
        session.userId = token.sub ?? '';
        session.authMethod = (token.authMethod as AuthMethod | undefined) ?? 'password';
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
