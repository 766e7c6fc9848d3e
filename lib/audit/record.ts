import 'server-only';

import type { Queryable } from '@/db';
import { auditEvents } from '@/db/schema';
import type { Actor, RequestContext } from '@/lib/auth/actor';

import type { AuditAction } from './actions';
import { hashAuditEvent, type AuditEventContent } from './event-hash';

/** Who an event is attributed to, as they were at the time. */
export type AuditActor = {
  type: 'user' | 'token' | 'system';
  id: string | null;
  name: string;
  authMethod: string | null;
  context: RequestContext;
};

/**
 * A token acts as its user (the id stays the user's, so "everything Alice did" finds it), and the
 * name says which token it was, so a leaked token's acts can be told apart from its user's own.
 */
export function auditActorOf(actor: Actor): AuditActor {
  return {
    type: actor.authMethod === 'token' ? 'token' : 'user',
    id: actor.userId,
    name: actor.token ? `${actor.name} (token "${actor.token.name}")` : actor.name,
    authMethod: actor.authMethod,
    context: actor.context,
  };
}

export const systemActor: AuditActor = {
  type: 'system',
  id: null,
  name: 'Stageway',
  authMethod: null,
  context: { ip: null, userAgent: null, requestId: null },
};

export type AuditEventInput = {
  action: AuditAction;
  outcome?: 'success' | 'denied' | 'error';
  environmentIds?: string[];
  target?: { type: string; id: string };
  reason?: string;
  changes?: { before?: unknown; after?: unknown };
};

/**
 * Records one event with the caller's transaction, so the event exists exactly when the change does.
 * Callers pass what changed, never a secret: passwords and tokens are not part of any change.
 * The content is normalized to what the database will hand back (JSON round trip, millisecond time,
 * lower-case ids) before it is hashed, so that verification recomputes the same hash.
 */
export async function recordAudit(
  tx: Queryable,
  actor: Actor | AuditActor,
  event: AuditEventInput,
): Promise<void> {
  const who = 'userId' in actor ? auditActorOf(actor) : actor;
  const content: AuditEventContent = {
    occurredAt: new Date(),
    actorType: who.type,
    actorId: who.id,
    actorName: who.name,
    authMethod: who.authMethod,
    sourceIp: who.context.ip,
    userAgent: who.context.userAgent,
    requestId: who.context.requestId,
    action: event.action,
    outcome: event.outcome ?? 'success',
    environmentIds: (event.environmentIds ?? []).map((id) => id.toLowerCase()),
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    reason: event.reason ?? null,
    changes: event.changes === undefined ? null : JSON.parse(JSON.stringify(event.changes)),
  };
  await tx.insert(auditEvents).values({
    ...content,
    actorType: who.type,
    outcome: content.outcome as 'success' | 'denied' | 'error',
    changes: content.changes as AuditEventInput['changes'],
    hash: hashAuditEvent(content),
  });
}
