import 'server-only';

import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';

import { getDb } from '@/db';
import { apis, auditEventEnvironments, auditEvents, environments, users } from '@/db/schema';
import { can, type Actor } from '@/lib/auth/actor';
import { notFound, type FieldErrors } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { decodeCursor, defaultPageSize, encodeCursor } from '@/lib/pagination';

import { auditActions, type AuditAction } from './actions';

const outcomes = ['success', 'denied', 'error'] as const;

/** The filters of the audit page, the export and the REST list, as they stand in a URL. */
export type AuditFilters = {
  from?: Date;
  to?: Date;
  /** A user's email, or `system`. */
  actor?: string;
  action?: AuditAction;
  /** An environment key. */
  environment?: string;
  /** An API id: the events whose target it is. */
  api?: string;
  outcome?: (typeof outcomes)[number];
};

export const auditFilterKeys = ['from', 'to', 'actor', 'action', 'environment', 'api', 'outcome'] as const;

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: SearchParams, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

// `2026-05-01` or `2026-05-01T12:30` (the page's datetime-local inputs) are read as UTC.
const isoLike = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
function parseTime(text: string): Date | null {
  if (!isoLike.test(text)) return null;
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Reads filters from a URL. What does not parse is named field by field, and no filter is guessed. */
export function parseAuditFilters(params: SearchParams): { filters: AuditFilters; errors: FieldErrors } {
  const filters: AuditFilters = {};
  const errors: FieldErrors = {};
  for (const key of ['from', 'to'] as const) {
    const text = param(params, key);
    if (!text) continue;
    const date = parseTime(text);
    if (date) filters[key] = date;
    else errors[key] = ['Not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)'];
  }
  if (filters.from && filters.to && filters.from >= filters.to) errors.to = ['Must be after “from”'];
  const actor = param(params, 'actor');
  if (actor) filters.actor = actor.toLowerCase();
  const action = param(params, 'action');
  if (action) {
    if (Object.hasOwn(auditActions, action)) filters.action = action as AuditAction;
    else errors.action = [`Unknown action "${action}"`];
  }
  const environment = param(params, 'environment');
  if (environment) filters.environment = environment.toLowerCase();
  const api = param(params, 'api');
  if (api) filters.api = api;
  const outcome = param(params, 'outcome');
  if (outcome) {
    if ((outcomes as readonly string[]).includes(outcome))
      filters.outcome = outcome as AuditFilters['outcome'];
    else errors.outcome = ['One of success, denied, error'];
  }
  return { filters, errors };
}

/** The filters as URL parameters, for links that keep them (pages, exports). */
export function auditFilterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of auditFilterKeys) {
    const value = filters[key];
    if (value instanceof Date) params.set(key, value.toISOString().slice(0, 16));
    else if (value) params.set(key, value);
  }
  return params;
}

/**
 * Whose events the actor may read: all of them (organization admins), those of some environments
 * (environment AUDIT:READ), or none — and then the trail does not exist for them (404).
 */
export async function auditReach(
  actor: Actor,
): Promise<{ isAll: true } | { isAll: false; environmentIds: string[] } | null> {
  if (actor.isOrgAdmin) return { isAll: true };
  const environmentIds = [...actor.environmentRoles.keys()].filter((environmentId) =>
    can(actor, 'AUDIT:READ', { environmentId }),
  );
  return environmentIds.length ? { isAll: false, environmentIds } : null;
}

export function canReadAuditOf(actor: Actor, environmentId: string): boolean {
  return can(actor, 'AUDIT:READ', { environmentId });
}

export type AuditEnvironment = { id: string; key: string; name: string };

export type AuditScope = {
  /** Environments the actor may filter by (their audit reach), in lifecycle order. */
  environments: AuditEnvironment[];
  /** Every environment by id, to name those an event mentions. */
  environmentNames: Map<string, AuditEnvironment>;
  api: { id: string; name: string; environmentKey: string } | null;
  /** Events are read through these environments' index; null: the whole trail. */
  environmentIds: string[] | null;
  conditions: SQL[];
};

/**
 * Turns filters into the where clause of one actor's view of the trail. A filter naming something
 * outside the actor's reach (an environment, an API) is not_found, as the thing itself would be.
 */
export async function resolveAuditScope(actor: Actor, filters: AuditFilters): Promise<AuditScope> {
  const reach = await auditReach(actor);
  if (!reach) throw notFound('Audit trail');
  const db = getDb();
  const all = await db
    .select({ id: environments.id, key: environments.key, name: environments.name })
    .from(environments)
    .orderBy(environments.position);
  const environmentNames = new Map(all.map((environment) => [environment.id, environment]));
  const reachable = reach.isAll
    ? all
    : all.filter((environment) => reach.environmentIds.includes(environment.id));

  let environmentIds: string[] | null = reach.isAll ? null : reachable.map((environment) => environment.id);
  if (filters.environment) {
    const environment = reachable.find((candidate) => candidate.key === filters.environment);
    if (!environment) throw notFound('Environment');
    environmentIds = [environment.id];
  }

  let api: AuditScope['api'] = null;
  if (filters.api) {
    const [row] = isUuid(filters.api)
      ? await db
          .select({ id: apis.id, name: apis.name, environmentId: apis.environmentId })
          .from(apis)
          .where(eq(apis.id, filters.api))
      : [];
    const environment = row && reachable.find((candidate) => candidate.id === row.environmentId);
    if (!row || !environment) throw notFound('API');
    api = { id: row.id, name: row.name, environmentKey: environment.key };
  }

  const conditions: SQL[] = [];
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.outcome) conditions.push(eq(auditEvents.outcome, filters.outcome));
  if (api) conditions.push(eq(auditEvents.targetType, 'api'), eq(auditEvents.targetId, api.id));
  if (filters.actor === 'system') conditions.push(eq(auditEvents.actorType, 'system'));
  else if (filters.actor) {
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, filters.actor));
    // An unknown email matches nothing rather than everything.
    conditions.push(user ? eq(auditEvents.actorId, user.id) : sql`false`);
  }
  return { environments: reachable, environmentNames, api, environmentIds, conditions };
}

const auditCursor = z.object({ t: z.iso.datetime(), s: z.number().int() });

/** Newest first, on the (occurred_at, seq) order every audit index continues in. */
function keysetConditions(
  occurredAt: PgColumn,
  seq: PgColumn,
  filters: AuditFilters,
  cursor: z.infer<typeof auditCursor> | null,
): SQL[] {
  const conditions: SQL[] = [];
  if (filters.from) conditions.push(gte(occurredAt, filters.from));
  if (filters.to) conditions.push(lt(occurredAt, filters.to));
  if (cursor) conditions.push(sql`(${occurredAt}, ${seq}) < (${cursor.t}::timestamptz, ${cursor.s})`);
  return conditions;
}

const newestFirst = (occurredAt: PgColumn, seq: PgColumn) =>
  sql`${occurredAt} desc nulls last, ${seq} desc nulls last`;

export const auditListColumns = {
  seq: auditEvents.seq,
  occurredAt: auditEvents.occurredAt,
  actorType: auditEvents.actorType,
  actorId: auditEvents.actorId,
  actorName: auditEvents.actorName,
  authMethod: auditEvents.authMethod,
  sourceIp: auditEvents.sourceIp,
  action: auditEvents.action,
  environmentIds: auditEvents.environmentIds,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  outcome: auditEvents.outcome,
  reason: auditEvents.reason,
};

export const auditExportColumns = {
  ...auditListColumns,
  userAgent: auditEvents.userAgent,
  requestId: auditEvents.requestId,
  changes: auditEvents.changes,
  hash: auditEvents.hash,
};

/**
 * The where clause of one keyset page of the actor's view of the trail. Without an environment scope it
 * is one range of an index on audit_events; with one, one range per environment of the environment
 * index (the actor's environments are few), merged. Either way the cost is the page, not its depth.
 */
function auditPageWhere(
  scope: AuditScope,
  filters: AuditFilters,
  cursorText: string | null | undefined,
  limit: number,
) {
  const cursor = decodeCursor(auditCursor, cursorText);
  if (scope.environmentIds === null)
    return and(
      ...scope.conditions,
      ...keysetConditions(auditEvents.occurredAt, auditEvents.seq, filters, cursor),
    );
  const legs = scope.environmentIds.map(
    (environmentId) =>
      sql`(${getDb()
        .select({ seq: auditEventEnvironments.seq })
        .from(auditEventEnvironments)
        .innerJoin(auditEvents, eq(auditEvents.seq, auditEventEnvironments.seq))
        .where(
          and(
            eq(auditEventEnvironments.environmentId, environmentId),
            ...scope.conditions,
            ...keysetConditions(
              auditEventEnvironments.occurredAt,
              auditEventEnvironments.seq,
              filters,
              cursor,
            ),
          ),
        )
        .orderBy(newestFirst(auditEventEnvironments.occurredAt, auditEventEnvironments.seq))
        .limit(limit + 1)})`,
  );
  return legs.length ? sql`${auditEvents.seq} in (${sql.join(legs, sql` union all `)})` : sql`false`;
}

const pageLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? defaultPageSize, 1), 1000);

function toPage<T extends { occurredAt: Date; seq: number }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ t: last.occurredAt.toISOString(), s: last.seq }) : null,
  };
}

/** One page of events with everything they hold: the export and the REST list. */
export async function selectAuditExportPage(
  scope: AuditScope,
  filters: AuditFilters,
  options: { cursor?: string | null; limit?: number },
) {
  const limit = pageLimit(options.limit);
  const rows = await getDb()
    .select(auditExportColumns)
    .from(auditEvents)
    .where(auditPageWhere(scope, filters, options.cursor, limit))
    .orderBy(newestFirst(auditEvents.occurredAt, auditEvents.seq))
    .limit(limit + 1);
  return toPage(rows, limit);
}

export type AuditListItem = Awaited<ReturnType<typeof listAuditEvents>>['items'][number];

/** The audit page: one page of events with names for what they mention. */
export async function listAuditEvents(
  actor: Actor,
  filters: AuditFilters,
  options: { cursor?: string | null; limit?: number } = {},
) {
  const scope = await resolveAuditScope(actor, filters);
  const limit = pageLimit(options.limit);
  const rows = await getDb()
    .select(auditListColumns)
    .from(auditEvents)
    .where(auditPageWhere(scope, filters, options.cursor, limit))
    .orderBy(newestFirst(auditEvents.occurredAt, auditEvents.seq))
    .limit(limit + 1);
  const page = toPage(rows, limit);
  const apiIds = [
    ...new Set(
      page.items
        .filter((item) => item.targetType === 'api' && isUuid(item.targetId))
        .map((item) => item.targetId!),
    ),
  ];
  const apiNames = new Map(
    apiIds.length
      ? (
          await getDb().select({ id: apis.id, name: apis.name }).from(apis).where(inArray(apis.id, apiIds))
        ).map((row) => [row.id, row.name])
      : [],
  );
  return {
    scope,
    nextCursor: page.nextCursor,
    items: page.items.map((item) => ({
      ...item,
      environments: item.environmentIds.map(
        (id) => scope.environmentNames.get(id) ?? { id, key: id, name: 'deleted environment' },
      ),
      targetName: item.targetType === 'api' ? (apiNames.get(item.targetId ?? '') ?? null) : null,
    })),
  };
}

/** One event with everything it holds, if the actor may read it; otherwise not_found. */
export async function getAuditEvent(actor: Actor, seqText: string) {
  const scope = await resolveAuditScope(actor, {});
  const seq = Number(seqText);
  if (!Number.isSafeInteger(seq) || seq < 1) throw notFound('Audit event');
  const [event] = await getDb().select().from(auditEvents).where(eq(auditEvents.seq, seq));
  const reachable = scope.environmentIds;
  if (!event || (reachable && !event.environmentIds.some((id) => reachable.includes(id))))
    throw notFound('Audit event');
  const [target] =
    event.targetType === 'api' && isUuid(event.targetId)
      ? await getDb()
          .select({ name: apis.name, environmentKey: environments.key })
          .from(apis)
          .innerJoin(environments, eq(environments.id, apis.environmentId))
          .where(eq(apis.id, event.targetId))
      : [];
  return {
    ...event,
    environments: event.environmentIds.map(
      (id) => scope.environmentNames.get(id) ?? { id, key: id, name: 'deleted environment' },
    ),
    targetApi: target ?? null,
  };
}
