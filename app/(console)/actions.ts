'use server';

import { getActor } from '@/lib/auth/session';
import { signOut } from '@/lib/auth/auth';
import { recordSignOut } from '@/lib/auth/sign-in';

export async function signOutAction(): Promise<void> {
  const actor = await getActor();
  if (actor) await recordSignOut(actor);
  await signOut({ redirectTo: '/login' });
}
