import 'server-only';

import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { environments, installations } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { AppError, parseInput, uniqueViolation } from '@/lib/errors';

import { keySchema, nameSchema } from './environment-input';

export const createEnvironmentInput = z.object({
  key: keySchema,
  name: nameSchema,
  installation: z.string().min(1, 'Choose an installation'),
  /** The environment of the same installation it comes after in the lifecycle; null: first; absent: last. */
  after: z.string().nullable().optional(),
});

/**
 * Creates an environment in an installation, at a place in its lifecycle. Organization admins only;
 * it starts with the default approval policy, no gates of its own, and nobody holding a role in it.
 */
export async function createEnvironment(actor: Actor, rawInput: z.input<typeof createEnvironmentInput>) {
  const event = { action: 'environment.created', target: { type: 'environment', id: 'new' } } as const;
  await refuseUnlessOrgAdmin(actor, event);
  const input = parseInput(createEnvironmentInput, rawInput);
  try {
    return await runAudited(actor, async (tx) => {
      const [installation] = await tx
        .select({ id: installations.id, name: installations.name })
        .from(installations)
        .where(eq(installations.key, input.installation))
        .for('update');
      if (!installation) throw fieldError('installation', 'There is no such installation');
      const order = await lifecycleOf(tx, installation.id);
      const at =
        input.after === undefined
          ? order.length
          : input.after === null
            ? 0
            : order.findIndex((environment) => environment.key === input.after) + 1;
      if (input.after && at === 0) throw fieldError('after', `${input.after} is not in ${installation.name}`);

      const [created] = await tx
        .insert(environments)
        .values({ key: input.key, name: input.name, installationId: installation.id, position: 0 })
        .returning({ id: environments.id, key: environments.key, name: environments.name });
      await renumber(tx, [
        ...order.slice(0, at).map((e) => e.id),
        created!.id,
        ...order.slice(at).map((e) => e.id),
      ]);
      await recordAudit(tx, actor, {
        ...event,
        environmentIds: [created!.id],
        target: { type: 'environment', id: created!.id },
        changes: {
          before: null,
          after: {
            key: input.key,
            name: input.name,
            installation: input.installation,
            after: at === 0 ? null : order[at - 1]!.key,
          },
        },
      });
      return created!;
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'environments_key_key') {
      throw fieldError('key', `An environment with the key ${input.key} exists`);
    }
    throw error;
  }
}

/** An installation's environments in lifecycle order. */
export function lifecycleOf(tx: Tx, installationId: string) {
  return tx
    .select({ id: environments.id, key: environments.key, name: environments.name })
    .from(environments)
    .where(eq(environments.installationId, installationId))
    .orderBy(asc(environments.position), asc(environments.key));
}

/** Positions 10, 20, 30 … in this order. */
export async function renumber(tx: Tx, environmentIds: string[]) {
  for (const [index, id] of environmentIds.entries()) {
    await tx
      .update(environments)
      .set({ position: (index + 1) * 10 })
      .where(eq(environments.id, id));
  }
}

function fieldError(field: string, message: string) {
  return new AppError('validation', 'The request is invalid.', { fieldErrors: { [field]: [message] } });
}
