import 'server-only';

import { and, desc, eq, ne, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apiRevisions, apis, promotions } from '@/db/schema';
import { canSeeApi, type Actor } from '@/lib/auth/actor';
import { getVisibleEnvironment } from '@/lib/environments/queries';
import { AppError, maxInt, notFound } from '@/lib/errors';
import { getPromotion, type PromotionDetail } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';

/**
 * Drone's "Build Promote" (seed 001) over Stageway: a repository is an API (`{namespace}` the
 * environment's key, `{name}` the API's slug), a build is a revision, and promoting build N creates a
 * promotion, answered as the Drone build it is. Rules are the domain's: this only maps.
 */

/** An API's slug: its name in lowercase, every run of other characters a single "-". */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
const slugSql = sql<string>`trim(both '-' from regexp_replace(lower(${apis.name}), '[^a-z0-9]+', '-', 'g'))`;

/** The API a repository path names, if the caller may see it; 404 otherwise (or 409 if two match). */
export async function findRepository(actor: Actor, namespace: string, name: string) {
  const environment = await getVisibleEnvironment(actor, namespace);
  const found = await getDb()
    .select({ id: apis.id, name: apis.name, environmentId: apis.environmentId, crossId: apis.crossId })
    .from(apis)
    .where(
      and(eq(apis.environmentId, environment.id), eq(slugSql, name), ne(apis.lifecycleState, 'archived')),
    )
    .limit(2);
  const visible = found.filter((api) =>
    canSeeApi(actor, { apiId: api.id, environmentId: api.environmentId }),
  );
  if (visible.length === 0) throw notFound('Repository');
  if (visible.length > 1) {
    throw new AppError(
      'conflict',
      `Two APIs in ${environment.key} are named ${name}: promote by id over /api/v1.`,
    );
  }
  return { ...visible[0]!, namespace: environment.key, slug: name };
}

type Repository = Awaited<ReturnType<typeof findRepository>>;

/** Drone's build statuses for a promotion's: waiting for approval is Drone's "blocked". */
const statusOf: Record<PromotionDetail['status'], string> = {
  pending: 'blocked',
  applying: 'running',
  accepted: 'success',
  rejected: 'declined',
  cancelled: 'killed',
  failed: 'failure',
  expired: 'skipped',
  superseded: 'skipped',
};

const epoch = (date: Date | null | undefined) => (date ? Math.floor(date.getTime() / 1000) : 0);

/** A promotion as the Drone build a promote created (Drone's build JSON, field for field). */
export function toDroneBuild(promotion: PromotionDetail, repository: Repository) {
  const login = promotion.requestedByEmail.split('@')[0]!;
  const isFinished = !['pending', 'applying'].includes(promotion.status);
  return {
    id: promotion.number,
    repo_id: 0,
    number: promotion.number,
    parent: promotion.sourceRevision,
    status: statusOf[promotion.status],
    event: 'promote',
    action: '',
    link: `/promotions/${promotion.id}`,
    message: promotion.message ?? promotion.title ?? `Promote revision ${promotion.sourceRevision}`,
    before: '',
    after: '',
    ref: `refs/revisions/${promotion.sourceRevision}`,
    source_repo: `${repository.namespace}/${repository.slug}`,
    source: promotion.sourceKey,
    target: promotion.targetKey,
    author_login: login,
    author_name: promotion.requestedByName,
    author_email: promotion.requestedByEmail,
    author_avatar: '',
    sender: login,
    deploy_to: promotion.targetKey,
    params: promotion.parameters,
    started: epoch(promotion.decidedAt ?? (promotion.status === 'applying' ? promotion.createdAt : null)),
    finished: isFinished ? epoch(promotion.decidedAt) : 0,
    created: epoch(promotion.createdAt),
    updated: epoch(promotion.decidedAt ?? promotion.createdAt),
    version: 1,
    stages: [],
  };
}

/**
 * Promotes build (revision) `number` of the repository to `target` with the other fields as
 * parameters. Drone's order of refusals: the repository (404), then the build (404), then a missing
 * target (400); the domain then decides the rest (403 without the right to promote, 409, 422 …).
 */
export async function promoteBuild(
  actor: Actor,
  repository: Repository,
  number: string,
  fields: Record<string, string>,
) {
  const revision = Number(number);
  const [exists] =
    Number.isInteger(revision) && revision >= 1 && revision <= maxInt
      ? await getDb()
          .select({ revision: apiRevisions.revision })
          .from(apiRevisions)
          .where(and(eq(apiRevisions.apiId, repository.id), eq(apiRevisions.revision, revision)))
      : [];
  if (!exists) throw notFound('Build');
  const { target, ...parameters } = fields;
  if (!target) {
    throw new AppError('validation', 'Missing target: say which environment to promote to (target=qa).', {
      fieldErrors: { target: ['Required'] },
    });
  }
  const outcome = await requestPromotion(actor, { apiId: repository.id, revision, target, parameters });
  return toDroneBuild(await getPromotion(actor, outcome.id), repository);
}

/**
 * Build `number` of the repository: a promotion from it with that number, or else the revision with
 * that number (a build that has run: `push`, success).
 */
export async function getBuild(actor: Actor, repository: Repository, number: string) {
  const value = Number(number);
  if (!Number.isSafeInteger(value) || value < 1) throw notFound('Build');
  const [promotion] = await getDb()
    .select({ id: promotions.id })
    .from(promotions)
    .where(and(eq(promotions.apiId, repository.id), eq(promotions.number, value)));
  if (promotion) return toDroneBuild(await getPromotion(actor, promotion.id), repository);
  const [revision] =
    value <= maxInt
      ? await getDb()
          .select()
          .from(apiRevisions)
          .where(and(eq(apiRevisions.apiId, repository.id), eq(apiRevisions.revision, value)))
          .orderBy(desc(apiRevisions.revision))
      : [];
  if (!revision) throw notFound('Build');
  return {
    id: revision.revision,
    repo_id: 0,
    number: revision.revision,
    parent: 0,
    status: 'success',
    event: 'push',
    message: revision.message ?? '',
    ref: `refs/revisions/${revision.revision}`,
    source_repo: `${repository.namespace}/${repository.slug}`,
    created: epoch(revision.createdAt),
    updated: epoch(revision.createdAt),
    started: epoch(revision.createdAt),
    finished: epoch(revision.createdAt),
    version: 1,
    stages: [],
  };
}

/** Drone answers errors as `{"message": "…"}`. */
export function droneError(problem: { detail: string; errors?: Record<string, string[]> }) {
  const fields = problem.errors
    ? ` (${Object.entries(problem.errors)
        .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
        .join('; ')})`
    : '';
  return { message: `${problem.detail}${fields}` };
}
