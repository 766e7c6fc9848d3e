import 'server-only';

import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';

import { installations } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { AppError, notFound, parseInput, uniqueViolation } from '@/lib/errors';

import { keySchema, nameSchema } from './environment-input';

/**
 * Installations group environments (Development: DEV and QA; Production: DEMO and PROD). Organization
 * admins create and rename them; a new one comes last.
 */

export const createInstallationInput = z.object({ key: keySchema, name: nameSchema });

export async function createInstallation(actor: Actor, rawInput: z.input<typeof createInstallationInput>) {
  const event = { action: 'installation.created', target: { type: 'installation', id: 'new' } } as const;
  await refuseUnlessOrgAdmin(actor, event);
  const input = parseInput(createInstallationInput, rawInput);
  try {
    return await runAudited(actor, async (tx) => {
      const [created] = await tx
        .insert(installations)
        .values({
          key: input.key,
          name: input.name,
          position: sql`(select coalesce(max(${installations.position}), 0) + 10 from ${installations})`,
        })
        .returning({ id: installations.id, key: installations.key, name: installations.name });
      await recordAudit(tx, actor, {
        ...event,
        target: { type: 'installation', id: created!.id },
        changes: { before: null, after: { key: input.key, name: input.name } },
      });
      return created!;
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'installations_key_key') {
      throw new AppError('validation', 'The request is invalid.', {
        fieldErrors: { key: [`An installation with the key ${input.key} exists`] },
      });
    }
    throw error;
  }
}

export const renameInstallationInput = z.object({ key: z.string(), name: nameSchema });

export async function renameInstallation(actor: Actor, rawInput: z.input<typeof renameInstallationInput>) {
  await refuseUnlessOrgAdmin(actor, {
    action: 'installation.updated',
    target: { type: 'installation', id: String(rawInput.key) },
  });
  const input = parseInput(renameInstallationInput, rawInput);
  return runAudited(actor, async (tx) => {
    const [current] = await tx
      .select({ id: installations.id, name: installations.name })
      .from(installations)
      .where(eq(installations.key, input.key))
      .for('update');
    if (!current) throw notFound('Installation');
    if (current.name === input.name)
      throw new AppError('no_changes', 'Nothing changed: the name is the same.');
    await tx.update(installations).set({ name: input.name }).where(eq(installations.id, current.id));
    await recordAudit(tx, actor, {
      action: 'installation.updated',
      target: { type: 'installation', id: current.id },
      changes: { before: { name: current.name }, after: { name: input.name } },
    });
    return { id: current.id, key: input.key, name: input.name };
  });
}
