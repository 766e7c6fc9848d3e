import 'server-only';

import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias, type PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';

import { getDb } from '@/db';

import {
  apis,
  apiTokens,
  auditEventEnvironments,
  auditEvents,
  environments,
  groups,
  installations,
  promotions,
  users,
} from '@/db/schema';
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

const sourceEnvironment = alias(environments, 'source_environment');
const targetEnvironment = alias(environments, 'target_environment');

const auditCursor = z.object({ t: z.iso.datetime(), s: z.number().int() });

/** Newest first, on the (occurred_at, seq) order every audit index continues in. */
function keysetConditions(occurredAt: PgColumn, seq: PgColumn, filters: AuditFilters, keyset: Keyset): SQL[] {
  const conditions: SQL[] = [];
  if (filters.from) conditions.push(gte(occurredAt, filters.from));
  if (filters.to) conditions.push(lt(occurredAt, filters.to));
  const { cursor } = keyset;
  if (cursor)
    conditions.push(
      keyset.newer
        ? sql`(${occurredAt}, ${seq}) > (${cursor.t}::timestamptz, ${cursor.s})`
        : sql`(${occurredAt}, ${seq}) < (${cursor.t}::timestamptz, ${cursor.s})`,
    );
  return conditions;
}

/** Where a page starts: below the cursor (older events, the default), or above it (newer ones). */
type Keyset = { cursor: z.infer<typeof auditCursor> | null; newer: boolean };

/** Newest first; a page of newer events is read oldest first from its cursor (the index backwards). */
const pageOrder = (occurredAt: PgColumn, seq: PgColumn, newer: boolean) =>
  newer
    ? sql`${occurredAt} asc nulls first, ${seq} asc nulls first`
    : sql`${occurredAt} desc nulls last, ${seq} desc nulls last`;

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
function auditPageWhere(scope: AuditScope, filters: AuditFilters, keyset: Keyset, limit: number) {
  if (scope.environmentIds === null)
    return and(
      ...scope.conditions,
      ...keysetConditions(auditEvents.occurredAt, auditEvents.seq, filters, keyset),
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
              keyset,
            ),
          ),
        )
        .orderBy(pageOrder(auditEventEnvironments.occurredAt, auditEventEnvironments.seq, keyset.newer))
        .limit(limit + 1)})`,
  );
  return legs.length ? sql`${auditEvents.seq} in (${sql.join(legs, sql` union all `)})` : sql`false`;
}

const pageLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? defaultPageSize, 1), 1000);

type PageOptions = {
  /** Older than this cursor's event (a `nextCursor`). */
  cursor?: string | null;
  /** Newer than this cursor's event (a `previousCursor`); wins over `cursor`. */
  before?: string | null;
  limit?: number;
};

function keysetOf(options: PageOptions): Keyset {
  const before = decodeCursor(auditCursor, options.before);
  return before
    ? { cursor: before, newer: true }
    : { cursor: decodeCursor(auditCursor, options.cursor), newer: false };
}

const cursorOf = (event: { occurredAt: Date; seq: number }) =>
  encodeCursor({ t: event.occurredAt.toISOString(), s: event.seq });

/**
 * The page newest first, with a cursor to the older events after it and one to the newer events
 * before it (null at either end of the trail).
 */
function toPage<T extends { occurredAt: Date; seq: number }>(rows: T[], limit: number, keyset: Keyset) {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  if (keyset.newer) items.reverse();
  const [newest, oldest] = [items.at(0), items.at(-1)];
  const olderExist = keyset.newer ? Boolean(keyset.cursor) : hasMore;
  const newerExist = keyset.newer ? hasMore : Boolean(keyset.cursor);
  return {
    items,
    nextCursor: olderExist && oldest ? cursorOf(oldest) : null,
    previousCursor: newerExist && newest ? cursorOf(newest) : null,
  };
}

/** One page of events with everything they hold: the export and the REST list. */
export async function selectAuditExportPage(scope: AuditScope, filters: AuditFilters, options: PageOptions) {
  const limit = pageLimit(options.limit);
  const keyset = keysetOf(options);
  const rows = await getDb()
    .select(auditExportColumns)
    .from(auditEvents)
    .where(auditPageWhere(scope, filters, keyset, limit))
    .orderBy(pageOrder(auditEvents.occurredAt, auditEvents.seq, keyset.newer))
    .limit(limit + 1);
  return toPage(rows, limit, keyset);
}

export type AuditListItem = Awaited<ReturnType<typeof listAuditEvents>>['items'][number];

/** The audit page: one page of events with names for what they mention. */
export async function listAuditEvents(actor: Actor, filters: AuditFilters, options: PageOptions = {}) {
  const scope = await resolveAuditScope(actor, filters);
  const limit = pageLimit(options.limit);
  const keyset = keysetOf(options);
  const rows = await getDb()
    .select(auditListColumns)
    .from(auditEvents)
    .where(auditPageWhere(scope, filters, keyset, limit))
    .orderBy(pageOrder(auditEvents.occurredAt, auditEvents.seq, keyset.newer))
    .limit(limit + 1);
  const page = toPage(rows, limit, keyset);
  const names = await targetNames(page.items);
  return {
    scope,
    nextCursor: page.nextCursor,
    previousCursor: page.previousCursor,
    items: page.items.map((item) => ({
      ...item,
      sourceIp: displayAddress(item.sourceIp),
      environments: item.environmentIds.map(
        (id) => scope.environmentNames.get(id) ?? { id, key: id, name: 'deleted environment' },
      ),
      targetName: names.get(`${item.targetType}:${item.targetId}`) ?? null,
    })),
  };
}

/** Events recorded before addresses were normalised may hold `::ffff:10.0.0.1`: shown as `10.0.0.1`. */
const displayAddress = (address: string | null) =>
  address?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1') ?? null;

/**
 * What events name, by name: APIs, promotions (their title, else "API SOURCE → TARGET"), users,
 * groups, tokens, environments and installations, keyed `type:id`. One query per kind present; a
 * target since deleted has no name (the page shows its kind and id).
 */
async function targetNames(
  items: { targetType: string | null; targetId: string | null }[],
): Promise<Map<string, string>> {
  const idsOf = (type: string) => [
    ...new Set(
      items.filter((item) => item.targetType === type && isUuid(item.targetId)).map((item) => item.targetId!),
    ),
  ];
  const db = getDb();
  const lookups: Record<string, (ids: string[]) => Promise<{ id: string; name: string | null }[]>> = {
    api: (ids) => db.select({ id: apis.id, name: apis.name }).from(apis).where(inArray(apis.id, ids)),
    promotion: (ids) =>
      db
        .select({
          id: promotions.id,
          name: sql<string>`coalesce(${promotions.title}, ${apis.name} || ' ' || ${sourceEnvironment.name} || ' → ' || ${targetEnvironment.name})`,
        })
        .from(promotions)
        .innerJoin(apis, eq(apis.id, promotions.apiId))
        .innerJoin(sourceEnvironment, eq(sourceEnvironment.id, promotions.sourceEnvironmentId))
        .innerJoin(targetEnvironment, eq(targetEnvironment.id, promotions.targetEnvironmentId))
        .where(inArray(promotions.id, ids)),
    user: (ids) => db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)),
    group: (ids) =>
      db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, ids)),
    token: (ids) =>
      db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(inArray(apiTokens.id, ids)),
    environment: (ids) =>
      db
        .select({ id: environments.id, name: environments.name })
        .from(environments)
        .where(inArray(environments.id, ids)),
    installation: (ids) =>
      db
        .select({ id: installations.id, name: installations.name })
        .from(installations)
        .where(inArray(installations.id, ids)),
  };
  const found = await Promise.all(
    Object.entries(lookups).map(async ([type, lookup]) => {
      const ids = idsOf(type);
      const rows = ids.length ? await lookup(ids) : [];
      return rows.map((row) => [`${type}:${row.id}`, row.name ?? ''] as const);
    }),
  );
  return new Map(found.flat().filter(([, name]) => name));
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
  const names = await targetNames([event]);
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
    sourceIp: displayAddress(event.sourceIp),
    targetApi: target ?? null,
    targetName: names.get(`${event.targetType}:${event.targetId}`) ?? null,
  };
}
