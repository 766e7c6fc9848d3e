import 'server-only';

import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { apis, environments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { keySchema, nameSchema } from './environment-input';
import { lockEnvironmentToUpdate } from './update-approval-policy';

export const updateEnvironmentSettingsInput = z.object({
  environmentId: z.string(),
  /** Organization admins only, and only while the environment holds no API (URLs and scripts name it). */
  key: keySchema.optional(),
  name: nameSchema.optional(),
  directPromotionAllowed: z.boolean().optional(),
  /** Environments that may promote into this one; null: any. */
  allowedSourceIds: z.array(z.uuid('Not an environment id')).nullable().optional(),
  /** The same by environment key, as REST and the console name them. */
  allowedSources: z.array(z.string()).max(100).nullable().optional(),
});

export type UpdateEnvironmentSettingsInput = z.input<typeof updateEnvironmentSettingsInput>;

export type Settings = {
  key: string;
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
    const [found] = await tx
      .select({ key: environments.key })
      .from(environments)
      .where(eq(environments.id, environmentId));
    if (!found) throw notFound('Environment');
    const current = await lockEnvironmentToUpdate(tx, actor, found.key, {
      action: 'environment.updated',
      refusal: 'You may not change the settings of this environment.',
    });
    const updated = await writeEnvironmentSettings(tx, actor, current, wanted);
    if (!updated) throw new AppError('no_changes', 'Nothing changed: the settings are the same.');
    return updated;
  });
}

/**
 * Applies the given settings to an environment the caller may change (locked by the caller), audited
 * with exactly the fields that change, before and after. Returns the new settings, or null when
 * nothing differs.
 */
export async function writeEnvironmentSettings(
  tx: Tx,
  actor: Actor,
  current: Settings & { id: string },
  wanted: Omit<z.output<typeof updateEnvironmentSettingsInput>, 'environmentId'>,
): Promise<Settings | null> {
  if (wanted.key !== undefined && wanted.key !== current.key) {
    if (!actor.isOrgAdmin) throw fieldError('key', 'Only organization admins may change a key');
    const [held] = await tx
      .select({ id: apis.id })
      .from(apis)
      .where(eq(apis.environmentId, current.id))
      .limit(1);
    if (held) throw fieldError('key', 'The key is fixed once the environment holds APIs');
    const [taken] = await tx
      .select({ id: environments.id })
      .from(environments)
      .where(eq(environments.key, wanted.key));
    if (taken) throw fieldError('key', `An environment with the key ${wanted.key} exists`);
  }

  const { allowedSources, ...settings } = wanted;
  if (allowedSources !== undefined) {
    if (allowedSources === null) settings.allowedSourceIds = null;
    else {
      const found = allowedSources.length
        ? await tx
            .select({ id: environments.id, key: environments.key })
            .from(environments)
            .where(inArray(environments.key, allowedSources))
        : [];
      const unknown = allowedSources.filter((key) => !found.some((row) => row.key === key));
      if (unknown.length) throw fieldError('allowedSources', `Unknown environment: ${unknown.join(', ')}`);
      if (allowedSources.includes(current.key))
        throw fieldError('allowedSources', 'An environment cannot promote into itself');
      settings.allowedSourceIds = found.map((row) => row.id);
    }
  }
  if (settings.allowedSourceIds) {
    const sources = [...new Set(settings.allowedSourceIds.map((id) => id.toLowerCase()))].sort();
    if (sources.includes(current.id))
      throw fieldError('allowedSourceIds', 'An environment cannot promote into itself');
    const known = await tx
      .select({ id: environments.id })
      .from(environments)
      .where(inArray(environments.id, sources));
    if (known.length !== sources.length) throw fieldError('allowedSourceIds', 'Unknown environment');
    settings.allowedSourceIds = sources;
  }

  const before: Partial<Settings> = {};
  const after: Partial<Settings> = {};
  for (const key of Object.keys(settings) as (keyof Settings)[]) {
    if (settings[key] === undefined || sameJson(settings[key], current[key])) continue;
    Object.assign(before, { [key]: current[key] });
    Object.assign(after, { [key]: settings[key] });
  }
  if (Object.keys(after).length === 0) return null;

  const [updated] = await tx
    .update(environments)
    .set(after)
    .where(eq(environments.id, current.id))
    .returning({
      key: environments.key,
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
}

function fieldError(field: string, message: string) {
  return new AppError('validation', 'The request is invalid.', { fieldErrors: { [field]: [message] } });
}
