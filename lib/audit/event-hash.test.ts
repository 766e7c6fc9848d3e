import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalJson } from '@/lib/canonical-json';

import { canonicalEventJson, type AuditEventContent } from './event-hash';

/** How events were hashed before the fast path: every recorded hash depends on this exact text. */
const reference = (event: AuditEventContent) =>
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
  });

describe('canonical event JSON', () => {
  it('is the canonical JSON of the event, for any event', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          occurredAt: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }),
          actorType: fc.constantFrom('user', 'token', 'system'),
          actorId: text,
          actorName: fc.string({ unit: 'binary' }),
          authMethod: text,
          sourceIp: text,
          userAgent: text,
          requestId: text,
          action: fc.string(),
          environmentIds: fc.array(fc.uuid()),
          targetType: text,
          targetId: text,
          outcome: fc.constantFrom('success', 'denied', 'error'),
          reason: text,
          changes: fc.option(fc.jsonValue(), { nil: null }),
        }),
        (event) => {
          expect(canonicalEventJson(event)).toBe(reference(event));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
