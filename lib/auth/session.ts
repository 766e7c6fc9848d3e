import 'server-only';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';

import { getDb } from '@/db';
import { AppError } from '@/lib/errors';

import { loadActor, refuseUntilPasswordChanged, type Actor } from './actor';
import { auth } from './auth';
import { requestContextFrom } from './request-context';
import { activeSession } from './sessions';

/** The signed-in user of this request with their current roles, or null. Read once per request. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  // The cookie names a server-side session; it counts only while that session holds.
  const active = session?.userId ? await activeSession(session.sessionId) : null;
  if (!active || active.userId !== session?.userId) return null;
  return loadActor(
    getDb(),
    active.userId,
    active.authMethod,
    requestContextFrom(await headers()),
    active.sessionId,
  );
});

/**
 * For pages: the actor, or a redirect to /login that comes back here after signing in. (Someone who
 * signed in with a one-time password sees only the form to choose a new one: the console's layout
 * shows it in place of every page.)
 */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (actor) return actor;
  const path = (await headers()).get('x-stageway-path') ?? '/';
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}

/**
 * For server actions and route handlers: the actor, or an `unauthenticated` error. Until someone who
 * signed in with a one-time password has chosen a new one, only that (`forPasswordChange`) is allowed.
 */
export async function authenticate(options: { forPasswordChange?: boolean } = {}): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
  refuseUntilPasswordChanged(actor, options);
  return actor;
}

/** Only same-site paths: a callback URL must never send a user elsewhere. */
export function safeCallbackPath(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  ) {
    return '/';
  }
  return value.startsWith('/login') ? '/' : value;
}
