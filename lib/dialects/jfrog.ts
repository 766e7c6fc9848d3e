import 'server-only';

import { and, eq, ne, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { apiRevisions, apis } from '@/db/schema';
import { canSeeApi, type Actor } from '@/lib/auth/actor';
import { allEnvironments } from '@/lib/environments/queries';
import { AppError, notFound, parseInput } from '@/lib/errors';
import type { DialectProblem } from '@/lib/http/api-route';
import { toGate } from '@/lib/http/resources';
import { getPromotion } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';

import { promoteVersionBody } from './schemas';

/**
 * JFrog AppTrust's "Promote Application Version" (seed 003) over Stageway: an application is an API
 * (`application_key` its slug), a version is the definition's version, a stage is an environment, and
 * repository keys are the definition's parts. The source stage is the one closest before the target
 * in the lifecycle that holds that version. The rules (permissions, approval policy, gates) are the
 * domain's; a promotion waits for approval where the target's policy asks for it.
 */

/** The environment holding `version` of the application closest before the target stage. */
async function sourceOf(actor: Actor, applicationKey: string, version: string, targetStage: string) {
  const lifecycle = await allEnvironments();
  const targetIndex = lifecycle.findIndex(
    (environment) => environment.key === targetStage.toLowerCase() || environment.name === targetStage,
  );
  if (targetIndex < 0) {
    throw new AppError('validation', `There is no stage ${targetStage}.`, {
      fieldErrors: { target_stage: [`There is no stage ${targetStage}`] },
    });
  }
  const candidates = await getDb()
    .select({
      apiId: apis.id,
      environmentId: apis.environmentId,
      revision: sql<number>`max(${apiRevisions.revision})`,
    })
    .from(apis)
    .innerJoin(apiRevisions, eq(apiRevisions.apiId, apis.id))
    .where(
      and(
        sql`trim(both '-' from regexp_replace(lower(${apis.name}), '[^a-z0-9]+', '-', 'g')) = ${applicationKey}`,
        ne(apis.lifecycleState, 'archived'),
        sql`${apiRevisions.definition} ->> 'version' = ${version}`,
      ),
    )
    .groupBy(apis.id, apis.environmentId);
  const visible = candidates
    .filter((candidate) =>
      canSeeApi(actor, { apiId: candidate.apiId, environmentId: candidate.environmentId }),
    )
    .map((candidate) => ({
      ...candidate,
      index: lifecycle.findIndex((environment) => environment.id === candidate.environmentId),
    }))
    .filter((candidate) => candidate.index < targetIndex)
    .sort((a, b) => b.index - a.index);
  if (!visible[0]) {
    throw notFound(
      `Application version ${applicationKey} ${version} in a stage before ${lifecycle[targetIndex]!.name}`,
    );
  }
  return { ...visible[0], stage: lifecycle[visible[0].index]!, target: lifecycle[targetIndex]! };
}

export async function promoteApplicationVersion(
  actor: Actor,
  applicationKey: string,
  version: string,
  raw: unknown,
) {
  const body = parseInput(promoteVersionBody, raw);
  const source = await sourceOf(actor, applicationKey, version, body.target_stage);
  const properties = Object.fromEntries(
    (body.artifact_additional_properties ?? []).map((property) => [property.key, property.value.join(',')]),
  );
  const type = body.promotion_type === 'keep' ? 'copy' : body.promotion_type;
  const common = {
    application_key: applicationKey,
    version,
    source_stage: source.stage.name,
    target_stage: source.target.name,
    promotion_type: body.promotion_type,
    included_repository_keys: body.included_repository_keys ?? [],
    excluded_repository_keys: body.excluded_repository_keys ?? [],
    artifact_additional_properties: properties,
  };
  const outcome = await requestPromotion(actor, {
    apiId: source.apiId,
    revision: source.revision,
    target: source.target.key,
    type,
    include: body.included_repository_keys,
    exclude: body.excluded_repository_keys,
    ...(Object.keys(properties).length && { properties }),
  });
  const kind = type === 'move' ? 'Move' : 'Copy';
  const route = `from '${source.stage.name}' to '${source.target.name}'`;
  if (outcome.kind === 'dry_run') {
    return {
      ...common,
      status: 'success',
      message: `Dry run: a ${kind.toLowerCase()} promotion ${route} would ${outcome.action} the application there.`,
      created: new Date().toISOString(),
      evaluations: {
        exit_gate: toGate(outcome.evaluations.exitGate, 'exit'),
        entry_gate: toGate(outcome.evaluations.entryGate, 'entry'),
      },
    };
  }
  const promotion = await getPromotion(actor, outcome.id);
  const warned = [promotion.evaluations?.exitGate, promotion.evaluations?.entryGate].some(
    (gate) => gate?.decision === 'warn',
  );
  const status =
    promotion.status === 'accepted'
      ? 'success'
      : promotion.status === 'applying'
        ? 'in_progress'
        : 'pending_approval';
  return {
    ...common,
    status,
    message:
      status === 'success'
        ? `${kind} promotion ${route} was successful${warned ? ', but with warnings' : ''}.`
        : status === 'in_progress'
          ? `${kind} promotion ${route} is in progress.`
          : `${kind} promotion ${route} awaits approval in ${source.target.name} (promotion ${promotion.number}).`,
    created: promotion.createdAt.toISOString(),
    evaluations: {
      exit_gate: toGate(promotion.evaluations?.exitGate, 'exit'),
      entry_gate: toGate(promotion.evaluations?.entryGate, 'entry'),
    },
  };
}

/** JFrog's error body: `{"errors": [{"status": …, "message": "…"}]}`, one entry per invalid field. */
export function jfrogError(problem: DialectProblem) {
  const fields = Object.entries(problem.errors ?? {});
  return {
    errors: fields.length
      ? fields.map(([field, messages]) => ({
          status: problem.status,
          message: `${field}: ${messages.join(', ')}`,
        }))
      : [{ status: problem.status, message: problem.detail }],
  };
}
