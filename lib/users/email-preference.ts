import 'server-only';

import { eq } from 'drizzle-orm';
import { z } from 'zod';

import { getDb } from '@/db';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, parseInput } from '@/lib/errors';

export const emailPreferences = {
  all: 'Everything: promotions waiting for my approval, and news of my own requests',
  mine: 'Only news of my own requests (approvals and outcomes)',
  none: 'No email',
} as const;

export type EmailPreference = keyof typeof emailPreferences;

const preferenceInput = z.object({
  emailNotifications: z.enum(Object.keys(emailPreferences) as [EmailPreference, ...EmailPreference[]], {
    error: 'Choose one of the options',
  }),
});

export async function getEmailPreference(actor: Actor): Promise<EmailPreference> {
  const [row] = await getDb()
    .select({ emailNotifications: users.emailNotifications })
    .from(users)
    .where(eq(users.id, actor.userId));
  return row?.emailNotifications ?? 'all';
}

/** The user's own choice of promotion email; audited with before and after. */
export async function setEmailPreference(actor: Actor, rawInput: z.input<typeof preferenceInput>) {
  const { emailNotifications } = parseInput(preferenceInput, rawInput);
  return runAudited(actor, async (tx) => {
    const [before] = await tx
      .select({ emailNotifications: users.emailNotifications })
      .from(users)
      .where(eq(users.id, actor.userId))
      .for('update');
    if (before?.emailNotifications === emailNotifications) {
      throw new AppError('no_changes', 'Nothing changed: that is your choice already.');
    }
    await tx.update(users).set({ emailNotifications }).where(eq(users.id, actor.userId));
    await recordAudit(tx, actor, {
      action: 'user.preferences_updated',
      target: { type: 'user', id: actor.userId },
      changes: { before: { emailNotifications: before?.emailNotifications }, after: { emailNotifications } },
    });
    return emailNotifications;
  });
}
