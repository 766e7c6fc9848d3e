import 'server-only';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';

import { getDb } from '@/db';
import { AppError } from '@/lib/errors';

import { loadActor, type Actor } from './actor';
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

/** For pages: the actor, or a redirect to /login that comes back here after signing in. */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (actor) return actor;
  const path = (await headers()).get('x-stageway-path') ?? '/';
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}

/** For server actions and route handlers: the actor, or an `unauthenticated` error. */
export async function authenticate(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
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
