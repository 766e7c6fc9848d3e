'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';

import { authenticate } from '@/lib/auth/session';
import { endSession, signOutEverywhere } from '@/lib/auth/sessions';

// Public endpoints: each authenticates, and the domain function decides what the user may end.

export async function endSessionAction(formData: FormData): Promise<void> {
  const actor = await authenticate();
  const sessionId = String(formData.get('sessionId') ?? '');
  await endSession(actor, sessionId);
  if (sessionId === actor.sessionId) redirect('/login');
  revalidatePath('/settings/sessions');
}

export async function signOutEverywhereElseAction(): Promise<void> {
  const actor = await authenticate();
  await signOutEverywhere(actor, actor.userId, { keepCurrent: true });
  revalidatePath('/settings/sessions');
}
