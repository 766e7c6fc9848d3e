import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';

import { env, isOidcEnabled } from '@/lib/env';

import { getDb } from '@/db';

import { noRequestContext, type AuthMethod } from './actor';
import { requestContextFrom } from './request-context';
import { authSecret } from './secret';
import { startSession } from './sessions';
import { auditOidcFailure, signInWithOidc } from './oidc-sign-in';
import { signInWithPassword } from './sign-in';

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
        const type = (error as { type?: string }).type;
        if (type === 'CredentialsSignin') return;
        console.error('[auth]', error);
        // The provider's answer failed verification: the audit trail says so (and what was wrong).
        if (type === 'CallbackRouteError' || type === 'OAuthCallbackError' || type === 'InvalidCheck') {
          const cause = (error as { cause?: { err?: Error } }).cause?.err ?? error;
          void auditOidcFailure(`${type}: ${cause.message}`).catch((failure) =>
            console.error('[auth] could not audit a refused sign-in', failure),
          );
        }
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
              // Authorization code with PKCE, state and nonce; the ID token's issuer, audience, signature
              // and expiry are checked before the callbacks below run.
              checks: ['pkce', 'state', 'nonce'] as ('pkce' | 'state' | 'nonce')[],
              authorization: { params: { scope: env.AUTH_OIDC_SCOPE } },
            },
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        const claims = (profile ?? {}) as Record<string, unknown>;
        const groups = claims[env.AUTH_OIDC_GROUPS_CLAIM];
        const result = await signInWithOidc(
          {
            email: typeof claims.email === 'string' ? claims.email : null,
            emailVerified: claims.email_verified === true || claims.email_verified === 'true',
            name: typeof claims.name === 'string' ? claims.name : null,
            groups: Array.isArray(groups) ? groups.filter((group) => typeof group === 'string') : [],
          },
          noRequestContext,
        );
        if (result.status === 'refused') return `/login?error=sso_${result.code}`;
        // From here on the token carries Stageway's user id, not the provider's subject.
        user.id = result.user.id;
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
