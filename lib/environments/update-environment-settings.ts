import 'server-only';

import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';

import { environments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, canSeeEnvironment, type Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

export const updateEnvironmentSettingsInput = z.object({
  environmentId: z.string(),
  name: z.string().trim().min(1, 'Required').max(40, 'At most 40 characters').optional(),
  directPromotionAllowed: z.boolean().optional(),
  /** Environments that may promote into this one; null: any. */
  allowedSourceIds: z.array(z.uuid('Not an environment id')).nullable().optional(),
});

export type UpdateEnvironmentSettingsInput = z.input<typeof updateEnvironmentSettingsInput>;

type Settings = {
  name: string;
  directPromotionAllowed: boolean;
  allowedSourceIds: string[] | null;
};

/**
 * Changes an environment's name and promotion settings (who must approve is its approval policy:
 * updateApprovalPolicy). Needs ENVIRONMENT:UPDATE there (environment
 * admins, organization admins). Only the fields given change; the audit event holds exactly those,
 * before and after.
 */
export async function updateEnvironmentSettings(
  actor: Actor,
  rawInput: UpdateEnvironmentSettingsInput,
): Promise<Settings> {
  const { environmentId, ...wanted } = parseInput(updateEnvironmentSettingsInput, rawInput);
  if (!isUuid(environmentId)) throw notFound('Environment');
  return runAudited(actor, async (tx) => {
    const [current] = await tx
      .select({
        id: environments.id,
        name: environments.name,
        directPromotionAllowed: environments.directPromotionAllowed,
        allowedSourceIds: environments.allowedSourceIds,
      })
      .from(environments)
      .where(eq(environments.id, environmentId))
      .for('update');
    if (!current || !canSeeEnvironment(actor, current.id)) throw notFound('Environment');
    if (!can(actor, 'ENVIRONMENT:UPDATE', { environmentId: current.id })) {
      throw new DeniedError('You may not change the settings of this environment.', {
        action: 'environment.updated',
        environmentIds: [current.id],
        target: { type: 'environment', id: current.id },
      });
    }

    if (wanted.allowedSourceIds) {
      const sources = [...new Set(wanted.allowedSourceIds.map((id) => id.toLowerCase()))].sort();
      if (sources.includes(current.id))
        throw fieldError('allowedSourceIds', 'An environment cannot promote into itself');
      const known = await tx
        .select({ id: environments.id })
        .from(environments)
        .where(inArray(environments.id, sources));
      if (known.length !== sources.length) throw fieldError('allowedSourceIds', 'Unknown environment');
      wanted.allowedSourceIds = sources;
    }

    const before: Partial<Settings> = {};
    const after: Partial<Settings> = {};
    for (const key of Object.keys(wanted) as (keyof Settings)[]) {
      if (wanted[key] === undefined || sameJson(wanted[key], current[key])) continue;
      Object.assign(before, { [key]: current[key] });
      Object.assign(after, { [key]: wanted[key] });
    }
    if (Object.keys(after).length === 0)
      throw new AppError('no_changes', 'Nothing changed: the settings are the same.');

    const [updated] = await tx
      .update(environments)
      .set(after)
      .where(eq(environments.id, current.id))
      .returning({
        name: environments.name,
        directPromotionAllowed: environments.directPromotionAllowed,
        allowedSourceIds: environments.allowedSourceIds,
      });
    await recordAudit(tx, actor, {
      action: 'environment.updated',
      environmentIds: [current.id],
      target: { type: 'environment', id: current.id },
      changes: { before, after },
    });
    return updated!;
  });
}

function fieldError(field: string, message: string) {
  return new AppError('validation', 'The request is invalid.', { fieldErrors: { [field]: [message] } });
}
