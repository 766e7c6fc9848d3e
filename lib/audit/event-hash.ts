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
  return sha256(canonicalEventJson(event));
}

/**
 * `canonicalJson` of the event's fields, written out in their sorted order: the same text (a test holds
 * them equal), without sorting the keys of the event itself for each of a million events at verification.
 */
export function canonicalEventJson(event: AuditEventContent): string {
  const fields: [string, unknown][] = [
    ['action', event.action],
    ['actorId', event.actorId],
    ['actorName', event.actorName],
    ['actorType', event.actorType],
    ['authMethod', event.authMethod],
    ['changes', event.changes ?? null],
    ['environmentIds', event.environmentIds],
    ['occurredAt', event.occurredAt.toISOString()],
    ['outcome', event.outcome],
    ['reason', event.reason],
    ['requestId', event.requestId],
    ['sourceIp', event.sourceIp],
    ['targetId', event.targetId],
    ['targetType', event.targetType],
    ['userAgent', event.userAgent],
  ];
  let text = '';
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    const json = key === 'changes' || key === 'environmentIds' ? canonicalJson(value) : JSON.stringify(value);
    text += `${text ? ',' : '{'}"${key}":${json}`;
  }
  return `${text}}`;
}
