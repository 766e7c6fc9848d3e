'use server';

import { signOut as endNextAuthSession } from '@/lib/auth/auth';
import { getActor } from '@/lib/auth/session';
import { signOut } from '@/lib/auth/sessions';

/** Ends the server-side session (so the cookie is refused everywhere from now on), then the cookie. */
export async function signOutAction(): Promise<void> {
  const actor = await getActor();
  if (actor) await signOut(actor);
  await endNextAuthSession({ redirectTo: '/login' });
}
