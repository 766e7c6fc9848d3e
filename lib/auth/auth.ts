import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

import { env, isOidcEnabled } from '@/lib/env';

import { getDb } from '@/db';

import { noRequestContext, type AuthMethod } from './actor';
import { requestContextFrom } from './request-context';
import { authSecret } from './secret';
import { startSession } from './sessions';
import { signInWithOidc, signInWithPassword } from './sign-in';

declare module 'next-auth' {
  interface Session {
    userId: string;
    authMethod: AuthMethod;
    sessionId: string;
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
          const context = requestContextFrom(request.headers);
          const result = await signInWithPassword(parsed.data, context);
          if (result.status === 'rate_limited') throw new RateLimited();
          if (result.status !== 'signed_in') return null;
          // The cookie will name this server-side session: ending it signs the cookie out everywhere.
          return {
            ...result.user,
            sessionId: await startSession(getDb(), result.user.id, 'password', context),
          };
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
      async jwt({ token, user, account }) {
        if (user?.id) {
          const method = account?.provider === 'oidc' ? 'oidc' : 'password';
          token.sub = user.id;
          token.authMethod = method;
          token.sid =
            (user as { sessionId?: string }).sessionId ??
            (await startSession(getDb(), user.id, method, noRequestContext));
        }
        return token;
      },
      session({ session, token }) {
        // Only ids travel; the session is checked and roles are read from the database on every request.
        session.userId = token.sub ?? '';
        session.authMethod = (token.authMethod as AuthMethod | undefined) ?? 'password';
        session.sessionId = typeof token.sid === 'string' ? token.sid : '';
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
