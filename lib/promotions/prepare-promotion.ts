import 'server-only';

import { and, desc, eq, gt, inArray, lte, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';

import type { Tx } from '@/db';
import { apiRevisions, apis, environments, promotions } from '@/db/schema';
import { apiDefinitionSchema, definitionParts, type ApiDefinition } from '@/db/definition';
import { DeniedError } from '@/lib/audit/run-audited';
import { can, canSeeApi, type Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, maxInt, notFound, parseInput, toFieldErrors } from '@/lib/errors';
import { changesSomethingMode } from '@/lib/gates/gate';
import { judgeGates, type Evaluations } from '@/lib/gates/judge-gates';
import { isUuid } from '@/lib/ids';

import { composeDefinition, resolveParts } from './compose-definition';
import { loadPolicies } from './approval-policy';
import { lockTargetApi } from './decision';
import { promotionAction, sourceRefusal, whyCannotMove, type PromotionAction } from './rules';

const part = z.enum(definitionParts);
const keyValues = (what: string) =>
  z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, `${what} keys: letters, digits, _ . - (at most 64)`),
      z.string().max(2000),
    )
    .refine((record) => Object.keys(record).length <= 50, `At most 50 ${what}`);

export const promotionInput = z.object({
  apiId: z.string(),
  /** The target environment's key, e.g. `qa`. */
  target: z.string().trim().min(1, 'Choose a target environment'),
  /** The source revision to promote; the API's current one when omitted. */
  revision: z.coerce.number().int().min(1).max(maxInt, 'No such revision').optional(),
  /** `request`: an approval task. `direct`: applied now, where the target allows it. */
  mode: z.enum(['request', 'direct']).default('request'),
  /** `move` archives the source once applied; `dry_run` writes nothing and tells what would happen. */
  type: z.enum(['copy', 'move', 'dry_run']).default('copy'),
  include: z.array(part).optional(),
  exclude: z.array(part).optional(),
  /** Set on the API in the target, overriding its properties. */
  properties: keyValues('properties').optional(),
  /** Carried with the promotion and shown in its task (Drone's key=value parameters). */
  parameters: keyValues('parameters').optional(),
  title: z.string().trim().max(200, 'At most 200 characters').optional(),
  message: z.string().trim().max(5000, 'At most 5000 characters').optional(),
  description: z.string().trim().max(5000, 'At most 5000 characters').optional(),
  /** Why to go ahead despite a gate's warning: required when a gate warns, shown to approvers. */
  justification: z.string().trim().max(2000, 'At most 2000 characters').optional(),
});

export type PromotionInput = z.input<typeof promotionInput>;
export type ParsedPromotionInput = z.output<typeof promotionInput>;

type Environment = typeof environments.$inferSelect;

export type PreparedPromotion = {
  input: ParsedPromotionInput;
  api: { id: string; crossId: string; environmentId: string; name: string };
  target: Environment;
  revision: number;
  snapshot: ApiDefinition;
  /** The API with the same cross id in the target, locked for this transaction. */
  targetApi: {
    id: string;
    currentRevision: number;
    definition: ApiDefinition;
    lifecycleState: string;
  } | null;
  included: string[];
  excluded: string[];
  /** What the target would hold after applying. */
  composed: ApiDefinition;
  /**
   * Whether the requester may read the API already in the target (true when there is none): if not,
   * nothing of it (content, id, revision, even whether it equals the snapshot) may reach them.
   */
  targetReadable: boolean;
  /** The source's exit gate and the target's entry gate, judged now. */
  evaluations: Evaluations;
  action: PromotionAction;
  /** Who made the promoted change (see authorsOf). */
  authorIds: string[];
};

export function parsePromotionInput(raw: PromotionInput): ParsedPromotionInput {
  return parseInput(promotionInput, raw);
}

const notPromotable = new Set(['deprecated', 'archived']);

/**
 * Everything a promotion needs checked and computed before anything is written, shared by the request,
 * the direct promotion and the dry run: the caller may change the source API's definition; the API is
 * promotable; the target exists, is another environment and accepts this source; the revision exists;
 * the composed definition is valid; and it would change something in the target.
 */
export async function preparePromotion(
  tx: Tx,
  actor: Actor,
  input: ParsedPromotionInput,
): Promise<PreparedPromotion> {
  if (!isUuid(input.apiId)) throw notFound('API');
  const [api] = await tx
    .select({
      id: apis.id,
      crossId: apis.crossId,
      environmentId: apis.environmentId,
      lifecycleState: apis.lifecycleState,
      currentRevision: apis.currentRevision,
      name: apis.name,
    })
    .from(apis)
    .where(eq(apis.id, input.apiId));
  const scope = api && { apiId: api.id, environmentId: api.environmentId };
  if (!api || !scope || !canSeeApi(actor, scope)) throw notFound('API');
  if (!can(actor, 'DEFINITION:UPDATE', scope)) {
    throw new DeniedError('You may not promote this API: that needs permission to change its definition.', {
      action: 'promotion.requested',
      environmentIds: [api.environmentId],
      target: { type: 'api', id: api.id },
    });
  }
  if (notPromotable.has(api.lifecycleState))
    throw new AppError('conflict', `This API is ${api.lifecycleState}: it cannot be promoted.`);
  if (input.type === 'move') {
    const refusal = whyCannotMove(actor, scope);
    if (refusal) {
      throw new DeniedError(`You may not move this API: ${refusal}`, {
        action: 'promotion.requested',
        environmentIds: [api.environmentId],
        target: { type: 'api', id: api.id },
      });
    }
  }

  const [target] = await tx.select().from(environments).where(eq(environments.key, input.target));
  if (!target) {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { target: [`There is no environment "${input.target}"`] },
    });
  }
  if (target.id === api.environmentId) {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { target: ['The API already lives in this environment: choose another one'] },
    });
  }
  if (target.allowedSourceIds && !target.allowedSourceIds.includes(api.environmentId)) {
    const sources = target.allowedSourceIds.length
      ? await tx
          .select({ name: environments.name })
          .from(environments)
          .where(inArray(environments.id, target.allowedSourceIds))
          .orderBy(environments.position)
      : [];
    // A rule of the target's policy refused it: recorded, like a gate's refusal.
    throw new DeniedError(
      sourceRefusal(
        target.name,
        sources.map((source) => source.name),
      ),
      {
        action: 'promotion.requested',
        environmentIds: [api.environmentId, target.id],
        target: { type: 'api', id: api.id },
      },
      { code: 'unprocessable' },
    );
  }

  const revision = input.revision ?? api.currentRevision;
  const [row] = await tx
    .select({ definition: apiRevisions.definition })
    .from(apiRevisions)
    .where(and(eq(apiRevisions.apiId, api.id), eq(apiRevisions.revision, revision)));
  if (!row) throw notFound(`Revision ${revision}`);

  const targetApi = await lockTargetApi(tx, target.id, api.crossId);

  const { included, excluded } = resolveParts(input.include, input.exclude);
  const composed = composeDefinition(
    row.definition,
    { included, properties: input.properties ?? {} },
    targetApi?.definition ?? null,
  );
  const valid = apiDefinitionSchema.safeParse(composed);
  if (!valid.success) {
    throw new AppError(
      'validation',
      `The definition this promotion would bring into ${target.name} is invalid.`,
      {
        fieldErrors: Object.fromEntries(
          Object.entries(toFieldErrors(valid.error)).map(([path, messages]) => [
            `definition.${path}`,
            messages,
          ]),
        ),
      },
    );
  }
  const targetReadable =
    !targetApi || can(actor, 'DEFINITION:READ', { apiId: targetApi.id, environmentId: target.id });
  const policies = await loadPolicies(tx, [api.environmentId, target.id]);
  // The entry gate's changes-something rule, when it fails, refuses at once with the seeds' own
  // answer. Telling a requester who cannot read the target that it already holds this would let them
  // test guesses of its values (a property override per try): only its readers are told.
  if (
    targetApi &&
    targetReadable &&
    changesSomethingMode(policies.get(target.id)!.entryGate) === 'fail' &&
    sameJson(targetApi.definition, valid.data)
  ) {
    throw new AppError(
      'no_changes',
      `No changes found between source and destination: ${target.name} already has what revision ${revision} would bring.`,
    );
  }

  const [source] = await tx
    .select({ key: environments.key, name: environments.name })
    .from(environments)
    .where(eq(environments.id, api.environmentId));
  const evaluations = await judgeGates(tx, actor, {
    stage: input.type === 'dry_run' ? 'preflight' : 'request',
    apiId: api.id,
    sourceRevision: revision,
    source: { id: api.environmentId, ...source!, policy: policies.get(api.environmentId)! },
    target: { id: target.id, key: target.key, name: target.name, policy: policies.get(target.id)! },
    requester: { id: actor.userId, email: actor.email, name: actor.name },
    parameters: input.parameters ?? {},
    properties: input.properties ?? {},
    crossId: api.crossId,
    snapshot: row.definition,
    composed: valid.data,
    targetApi: targetApi ?? null,
    targetReadable,
  });

  return {
    input,
    api: { id: api.id, crossId: api.crossId, environmentId: api.environmentId, name: api.name },
    target,
    revision,
    evaluations,
    snapshot: row.definition,
    targetApi: targetApi ?? null,
    included,
    excluded,
    composed: valid.data,
    targetReadable,
    action: promotionAction(Boolean(targetApi)),
    authorIds: await authorsOf(tx, api.id, target.id, revision),
  };
}

const authoringPromotion = alias(promotions, 'authoring_promotion');

/**
 * The authors of what a promotion brings: whoever made the promoted revision or any revision between
 * the one last promoted from this API into the target and it (all of them when none was). A revision
 * written by accepting a promotion was authored by that promotion's authors, not by its approver.
 */
async function authorsOf(tx: Tx, apiId: string, targetEnvironmentId: string, revision: number) {
  const [last] = await tx
    .select({ revision: promotions.sourceRevision })
    .from(promotions)
    .where(
      and(
        eq(promotions.apiId, apiId),
        eq(promotions.targetEnvironmentId, targetEnvironmentId),
        eq(promotions.status, 'accepted'),
      ),
    )
    .orderBy(desc(promotions.decidedAt))
    .limit(1);
  const since = last?.revision ?? 0;
  const rows = await tx
    .select({ createdBy: apiRevisions.createdBy, promotionAuthors: authoringPromotion.authorIds })
    .from(apiRevisions)
    .leftJoin(authoringPromotion, eq(authoringPromotion.id, apiRevisions.promotionId))
    .where(
      and(
        eq(apiRevisions.apiId, apiId),
        or(
          eq(apiRevisions.revision, revision),
          and(
            gt(apiRevisions.revision, Math.min(since, revision)),
            lte(apiRevisions.revision, Math.max(since, revision)),
          ),
        ),
      ),
    );
  const authors = rows.flatMap((row) => row.promotionAuthors ?? (row.createdBy ? [row.createdBy] : []));
  return [...new Set(authors)].sort();
}
