import 'server-only';

import { and, asc, count, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';

import { getDb, type Queryable } from '@/db';
import {
  apiRevisions,
  apis,
  environments,
  installations,
  promotionStatus,
  promotions,
  users,
} from '@/db/schema';
import type { ApiDetail } from '@/lib/apis/queries';
import { canSeeApi, type Actor } from '@/lib/auth/actor';
import { apiPermissionsFromEnvironmentRole, apiRolePermissions } from '@/lib/auth/permissions';
import { getVisibleEnvironment } from '@/lib/environments/queries';
import { diffDefinitions } from '@/lib/diff';
import { judgePromotionNow } from '@/lib/gates/judge-gates';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { decodeCursor, defaultPageSize, encodeCursor, type Page } from '@/lib/pagination';

import { composeDefinition } from './compose-definition';
import {
  approvalProgressOf,
  loadPolicies,
  type ApprovalPolicy,
  type ApprovalProgress,
} from './approval-policy';
import {
  approvableWhere,
  approvedBy,
  canSeePromotion,
  environmentsWhere,
  promotionAction,
  sourceRefusal,
  whyCannotApprove,
  whyCannotDecide,
} from './rules';

const source = alias(environments, 'source');
const target = alias(environments, 'target');
const targetApi = alias(apis, 'target_api');
const requester = alias(users, 'requester');
const decider = alias(users, 'decider');
const successor = alias(promotions, 'successor');

/** The same API in the promotion's target, if it is there: accepting updates it, else creates it. */
const targetApiJoin = and(
  eq(targetApi.environmentId, promotions.targetEnvironmentId),
  eq(targetApi.crossId, promotions.crossId),
);

const promotionColumns = {
  id: promotions.id,
  number: promotions.number,
  apiId: promotions.apiId,
  crossId: promotions.crossId,
  mode: promotions.mode,
  type: promotions.type,
  included: promotions.included,
  excluded: promotions.excluded,
  properties: promotions.properties,
  parameters: promotions.parameters,
  description: promotions.description,
  evaluations: promotions.evaluations,
  justification: promotions.justification,
  apiName: sql<string>`${promotions.snapshot} ->> 'name'`,
  apiVersion: sql<string>`${promotions.snapshot} ->> 'version'`,
  sourceRevision: promotions.sourceRevision,
  status: promotions.status,
  title: promotions.title,
  message: promotions.message,
  reason: promotions.reason,
  createdAt: promotions.createdAt,
  decidedAt: promotions.decidedAt,
  requestedBy: promotions.requestedBy,
  authorIds: promotions.authorIds,
  requestedByName: requester.name,
  decidedByName: decider.name,
  sourceEnvironmentId: promotions.sourceEnvironmentId,
  sourceName: source.name,
  sourceKey: source.key,
  targetEnvironmentId: promotions.targetEnvironmentId,
  targetName: target.name,
  targetKey: target.key,
  targetApiId: targetApi.id,
  result: promotions.result,
  supersedes: promotions.supersedes,
  supersededBy: successor.id,
  decidedBy: promotions.decidedBy,
  requestedByEmail: requester.email,
  /** The API in the target got a revision after the request: the diff shown is against the new one. */
  targetChangedSinceRequest: sql<boolean>`exists (select 1 from ${apiRevisions} where ${apiRevisions.apiId} = ${targetApi.id} and ${apiRevisions.createdAt} > ${promotions.createdAt})`,
};

function selectPromotions() {
  return getDb()
    .select(promotionColumns)
    .from(promotions)
    .innerJoin(source, eq(source.id, promotions.sourceEnvironmentId))
    .innerJoin(target, eq(target.id, promotions.targetEnvironmentId))
    .innerJoin(requester, eq(requester.id, promotions.requestedBy))
    .leftJoin(decider, eq(decider.id, promotions.decidedBy))
    .leftJoin(targetApi, targetApiJoin)
    .leftJoin(successor, eq(successor.supersedes, promotions.id));
}

type PromotionRow = Awaited<ReturnType<typeof selectPromotions>>[number];

/**
 * A promotion as this actor may see it, with what accepting does (create or update). Nothing of the
 * API in the target — its id, its revision, the promotion's result there — reaches someone who may
 * not read that API: a requester sees what their snapshot brings and whether it created or updated.
 */
function seenBy<T extends PromotionRow>(actor: Actor, row: T) {
  const action = promotionAction(Boolean(row.targetApiId));
  const targetReadable =
    !row.targetApiId || canSeeApi(actor, { apiId: row.targetApiId, environmentId: row.targetEnvironmentId });
  if (targetReadable) return { ...row, action, targetReadable };
  return {
    ...row,
    action,
    targetReadable,
    targetApiId: null,
    targetChangedSinceRequest: false,
    result: row.result && { action: row.result.action, apiId: null, revision: null },
  };
}

export type PromotionListItem = ReturnType<typeof seenBy<PromotionRow>>;

const taskCursor = z.object({ createdAt: z.string(), id: z.uuid() });

function olderThan(cursor: string | null | undefined): SQL | undefined {
  const after = decodeCursor(taskCursor, cursor);
  if (!after) return undefined;
  const createdAt = new Date(after.createdAt);
  return or(
    lt(promotions.createdAt, createdAt),
    and(eq(promotions.createdAt, createdAt), lt(promotions.id, after.id)),
  );
}

function pageOf<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
        : null,
  };
}

/**
 * The promotions an actor may see, as a where clause (the same rule as canSeePromotion): their own
 * requests, those of APIs they may read, and those into environments where they may decide.
 */
function visiblePromotionsWhere(actor: Actor): SQL | undefined {
  if (actor.isOrgAdmin) return undefined;
  const readableEnvironments = [...actor.environmentRoles.keys()].filter((environmentId) =>
    apiPermissionsFromEnvironmentRole(actor.environmentRoles.get(environmentId)!).includes('DEFINITION:READ'),
  );
  const readableApis = [...actor.apiRoles.entries()]
    .filter(([, entry]) => entry.roles.some((role) => apiRolePermissions(role).includes('DEFINITION:READ')))
    .map(([apiId]) => apiId);
  const deciding = [
    ...new Set([
      ...(environmentsWhere(actor, 'API:CREATE') ?? []),
      ...(environmentsWhere(actor, 'API:UPDATE') ?? []),
    ]),
  ];
  return or(
    eq(promotions.requestedBy, actor.userId),
    readableEnvironments.length ? inArray(promotions.sourceEnvironmentId, readableEnvironments) : undefined,
    readableApis.length ? inArray(promotions.apiId, readableApis) : undefined,
    deciding.length ? inArray(promotions.targetEnvironmentId, deciding) : undefined,
  );
}

export const promotionFilters = z.object({
  status: z.enum(promotionStatus.enumValues).optional(),
  source: z.string().optional(),
  target: z.string().optional(),
  apiId: z.uuid().optional(),
  requestedBy: z.uuid().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(defaultPageSize),
});

/**
 * Promotions the actor may see, newest first, keyset-paginated. `status=pending` is the actor's inbox:
 * only what they may decide, as in Tasks.
 */
export async function listPromotions(
  actor: Actor,
  filters: z.output<typeof promotionFilters>,
): Promise<Page<TaskWithProgress>> {
  const rows = await selectPromotions()
    .where(
      and(
        filters.status === 'pending' ? approvableWhere(actor) : visiblePromotionsWhere(actor),
        filters.status ? eq(promotions.status, filters.status) : undefined,
        filters.source ? eq(source.key, filters.source) : undefined,
        filters.target ? eq(target.key, filters.target) : undefined,
        filters.apiId ? eq(promotions.apiId, filters.apiId) : undefined,
        filters.requestedBy ? eq(promotions.requestedBy, filters.requestedBy) : undefined,
        olderThan(filters.cursor),
      ),
    )
    .orderBy(desc(promotions.createdAt), desc(promotions.id))
    .limit(filters.limit + 1);
  const page = pageOf(
    rows.map((row) => seenBy(actor, row)),
    filters.limit,
  );
  return { ...page, items: await withProgress(getDb(), page.items) };
}

export type Task = PromotionListItem;
export type TaskWithProgress = Task & {
  policy: ApprovalPolicy;
  progress: ApprovalProgress;
  sourceRevisionNow: number;
};

/**
 * The actor's inbox, newest first, keyset-paginated on (created_at, id); optionally one target
 * environment. `waiting`: the pending promotions the actor has approved and others still have to.
 * Each task comes with its approvals, judged against its target's policy as it stands.
 */
export async function listTasks(
  actor: Actor,
  options: {
    environmentKey?: string | null;
    cursor?: string | null;
    limit?: number;
    waiting?: boolean;
  } = {},
): Promise<Page<TaskWithProgress>> {
  const limit = options.limit ?? defaultPageSize;
  const environment = options.environmentKey
    ? await getVisibleEnvironment(actor, options.environmentKey)
    : null;
  const rows = await selectPromotions()
    .where(
      and(
        options.waiting
          ? and(eq(promotions.status, 'pending'), approvedBy(actor), visiblePromotionsWhere(actor))
          : approvableWhere(actor),
        environment ? eq(promotions.targetEnvironmentId, environment.id) : undefined,
        olderThan(options.cursor),
      ),
    )
    .orderBy(desc(promotions.createdAt), desc(promotions.id))
    .limit(limit + 1);
  const page = pageOf(
    rows.map((row) => seenBy(actor, row)),
    limit,
  );
  return { ...page, items: await withProgress(getDb(), page.items) };
}

/** Adds each promotion's approval progress and its source API's current revision (superseded?). */
async function withProgress<T extends Task>(db: Queryable, items: T[]) {
  const [policies, sources] = await Promise.all([
    loadPolicies(
      db,
      items.map((item) => item.targetEnvironmentId),
    ),
    items.length
      ? db
          .select({ id: apis.id, currentRevision: apis.currentRevision })
          .from(apis)
          .where(inArray(apis.id, [...new Set(items.map((item) => item.apiId))]))
      : [],
  ]);
  const progress = await approvalProgressOf(db, items, policies);
  return items.map((item) => ({
    ...item,
    policy: policies.get(item.targetEnvironmentId)!,
    progress: progress.get(item.id)!,
    sourceRevisionNow:
      sources.find((source) => source.id === item.apiId)?.currentRevision ?? item.sourceRevision,
  }));
}

export async function countTasks(actor: Actor): Promise<number> {
  const [row] = await getDb().select({ count: count() }).from(promotions).where(approvableWhere(actor));
  return row?.count ?? 0;
}

/** One promotion with everything its page shows, and what this actor may do with it now. */
export async function getPromotion(actor: Actor, promotionId: string) {
  if (!isUuid(promotionId)) throw notFound('Promotion');
  const db = getDb();
  const [found] = await db
    .select({
      ...promotionColumns,
      snapshot: promotions.snapshot,
      targetApiRevision: targetApi.currentRevision,
      targetApiDefinition: targetApi.definition,
    })
    .from(promotions)
    .innerJoin(source, eq(source.id, promotions.sourceEnvironmentId))
    .innerJoin(target, eq(target.id, promotions.targetEnvironmentId))
    .innerJoin(requester, eq(requester.id, promotions.requestedBy))
    .leftJoin(decider, eq(decider.id, promotions.decidedBy))
    .leftJoin(targetApi, targetApiJoin)
    .leftJoin(successor, eq(successor.supersedes, promotions.id))
    .where(eq(promotions.id, promotionId));
  if (!found || !canSeePromotion(actor, found)) throw notFound('Promotion');
  const { targetApiDefinition, ...row } = found;
  const seen = seenBy(actor, row);
  const { action } = seen;
  const [withApprovals] = await withProgress(db, [
    { ...seen, targetApiRevision: seen.targetReadable ? row.targetApiRevision : null },
  ]);
  const { progress, sourceRevisionNow, policy } = withApprovals!;
  const isPending = row.status === 'pending';
  const whyNotReject = whyCannotDecide(actor, row, action, {
    name: row.targetName,
    selfApprovalAllowed: policy.selfApprovalAllowed,
  });
  const whyNotApprove = whyCannotApprove(actor, row, action, policy, {
    alreadyApproved: progress.approvals.some((approval) => approval.userId === actor.userId),
    targetName: row.targetName,
  });
  const isRequester = row.requestedBy === actor.userId;
  // What approving would change in the target as it is now: only for those who may read the target.
  const diff =
    isPending && seen.targetReadable
      ? diffDefinitions(targetApiDefinition, composeDefinition(row.snapshot, row, targetApiDefinition))
      : null;
  // The gates as an approval would judge them now (the target and the clock move), as this viewer may
  // see them; once decided, the verdict stored with the request.
  const gatesNow = isPending
    ? await judgePromotionNow(
        db,
        actor,
        {
          promotion: row,
          target: { id: row.targetEnvironmentId, key: row.targetKey, name: row.targetName },
          targetApi:
            row.targetApiId && targetApiDefinition
              ? { id: row.targetApiId, definition: targetApiDefinition }
              : null,
          policy,
        },
        'approval',
      )
    : null;
  return {
    ...withApprovals!,
    diff,
    gatesNow,
    action,
    canApprove: isPending && !whyNotApprove,
    whyCannotApprove: isPending ? whyNotApprove : null,
    canReject: isPending && !whyNotReject,
    canCancel: isPending && isRequester,
    /** The source API has a newer revision than the one requested: the requester may update it. */
    sourceChanged: isPending && sourceRevisionNow !== row.sourceRevision,
    canUpdateRequest: isPending && isRequester && sourceRevisionNow !== row.sourceRevision,
    canSeeSourceApi: canSeeApi(actor, { apiId: row.apiId, environmentId: row.sourceEnvironmentId }),
    canSeeTargetApi: Boolean(seen.targetApiId),
  };
}

export type PromotionDetail = Awaited<ReturnType<typeof getPromotion>>;

/** Promotions requested from this API, newest first. */
export async function listPromotionsOfApi(
  actor: Actor,
  api: ApiDetail,
  limit = 20,
): Promise<PromotionListItem[]> {
  const rows = await selectPromotions()
    .where(eq(promotions.apiId, api.id))
    .orderBy(desc(promotions.createdAt), desc(promotions.id))
    .limit(limit);
  return rows.map((row) => seenBy(actor, row));
}

export type PromotionTarget = {
  key: string;
  name: string;
  installation: { key: string; name: string };
  action: 'create' | 'update';
  /** The target's revision, for those who may read the API there. */
  targetRevision: number | null;
  /** A request of this API to the target is open; its id only for those who may see it. */
  isPending: boolean;
  pendingPromotionId: string | null;
  /** Who opened that request and when: shown to everyone, since it blocks them too. */
  pendingRequest: { requestedByName: string | null; requestedAt: Date } | null;
  unavailableReason: string | null;
};

/**
 * Every other environment of the organization as a promotion target of this API, by installation and
 * lifecycle position, with what accepting would do there and whether a request is already open.
 */
export async function listPromotionTargets(actor: Actor, api: ApiDetail): Promise<PromotionTarget[]> {
  const db = getDb();
  const [rows, open, present] = await Promise.all([
    db
      .select({
        id: environments.id,
        key: environments.key,
        name: environments.name,
        allowedSourceIds: environments.allowedSourceIds,
        installationKey: installations.key,
        installationName: installations.name,
      })
      .from(environments)
      .innerJoin(installations, eq(installations.id, environments.installationId))
      .orderBy(asc(installations.position), asc(environments.position)),
    db
      .select({
        id: promotions.id,
        apiId: promotions.apiId,
        sourceEnvironmentId: promotions.sourceEnvironmentId,
        targetEnvironmentId: promotions.targetEnvironmentId,
        requestedBy: promotions.requestedBy,
        requestedByName: users.name,
        requestedAt: promotions.createdAt,
      })
      .from(promotions)
      .leftJoin(users, eq(users.id, promotions.requestedBy))
      .where(and(eq(promotions.crossId, api.crossId), inArray(promotions.status, ['pending', 'applying']))),
    db
      .select({ id: apis.id, environmentId: apis.environmentId, currentRevision: apis.currentRevision })
      .from(apis)
      .where(eq(apis.crossId, api.crossId)),
  ]);
  return rows
    .filter((environment) => environment.id !== api.environmentId)
    .map((environment) => {
      const existing = present.find((candidate) => candidate.environmentId === environment.id);
      const pending = open.find((candidate) => candidate.targetEnvironmentId === environment.id);
      const isAllowedSource =
        !environment.allowedSourceIds || environment.allowedSourceIds.includes(api.environmentId);
      return {
        key: environment.key,
        name: environment.name,
        installation: { key: environment.installationKey, name: environment.installationName },
        action: promotionAction(Boolean(existing)),
        targetRevision:
          existing && canSeeApi(actor, { apiId: existing.id, environmentId: environment.id })
            ? existing.currentRevision
            : null,
        isPending: Boolean(pending),
        pendingPromotionId: pending && canSeePromotion(actor, pending) ? pending.id : null,
        pendingRequest: pending
          ? { requestedByName: pending.requestedByName, requestedAt: pending.requestedAt }
          : null,
        unavailableReason: isAllowedSource
          ? null
          : sourceRefusal(
              environment.name,
              rows
                .filter((source) => environment.allowedSourceIds!.includes(source.id))
                .map((source) => source.name),
            ),
      };
    });
}
