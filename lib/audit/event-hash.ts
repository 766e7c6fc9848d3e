import { createHash } from 'node:crypto';

import { canonicalJson } from '@/lib/canonical-json';

/** What an event's hash covers: everything it says, not where it sits (seals bind it to its seq). */
export type AuditEventContent = {
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorName: string;
  authMethod: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string | null;
  action: string;
  environmentIds: string[];
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  reason: string | null;
  changes: unknown;
};

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The hash of an event's canonical content, computed the same way when it is recorded and when it is
 * verified. Field order and key order do not matter; every value as it reads back from the database does.
 */
export function hashAuditEvent(event: AuditEventContent): string {
  return sha256(
    canonicalJson({
      occurredAt: event.occurredAt.toISOString(),
      actorType: event.actorType,
      actorId: event.actorId,
      actorName: event.actorName,
      authMethod: event.authMethod,
      sourceIp: event.sourceIp,
      userAgent: event.userAgent,
      requestId: event.requestId,
      action: event.action,
      environmentIds: event.environmentIds,
      targetType: event.targetType,
      targetId: event.targetId,
      outcome: event.outcome,
      reason: event.reason,
      changes: event.changes ?? null,
    }),
  );
}
