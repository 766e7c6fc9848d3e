import 'server-only';

import { eq } from 'drizzle-orm';
import { z } from 'zod';

import { installations } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { AppError, notFound, parseInput } from '@/lib/errors';

import { lifecycleOf, renumber } from './create-environment';

export const reorderEnvironmentsInput = z.object({
  installation: z.string(),
  /** Every environment key of the installation, once, in the new lifecycle order. */
  environments: z.array(z.string()).min(1, 'At least one environment').max(100),
});

/**
 * Puts an installation's environments in a new lifecycle order (pickers, switchers and the Promote
 * dialog follow it). Organization admins only; audited with the order before and after.
 */
export async function reorderEnvironments(actor: Actor, rawInput: z.input<typeof reorderEnvironmentsInput>) {
  await refuseUnlessOrgAdmin(actor, {
    action: 'installation.lifecycle_reordered',
    target: { type: 'installation', id: String(rawInput.installation) },
  });
  const input = parseInput(reorderEnvironmentsInput, rawInput);
  return runAudited(actor, async (tx) => {
    const [installation] = await tx
      .select({ id: installations.id })
      .from(installations)
      .where(eq(installations.key, input.installation))
      .for('update');
    if (!installation) throw notFound('Installation');
    const current = await lifecycleOf(tx, installation.id);
    const before = current.map((environment) => environment.key);
    const wanted = input.environments;
    if (
      wanted.length !== before.length ||
      new Set(wanted).size !== wanted.length ||
      wanted.some((key) => !before.includes(key))
    ) {
      throw new AppError('validation', 'The request is invalid.', {
        fieldErrors: {
          environments: [`Name each environment of the installation once: ${before.join(', ')}`],
        },
      });
    }
    if (wanted.every((key, index) => key === before[index])) {
      throw new AppError('no_changes', 'Nothing changed: the order is the same.');
    }
    await renumber(
      tx,
      wanted.map((key) => current.find((environment) => environment.key === key)!.id),
    );
    await recordAudit(tx, actor, {
      action: 'installation.lifecycle_reordered',
      environmentIds: current.map((environment) => environment.id),
      target: { type: 'installation', id: installation.id },
      changes: { before: { environments: before }, after: { environments: wanted } },
    });
    return { installation: input.installation, environments: wanted };
  });
}
