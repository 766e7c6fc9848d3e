import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { promotions } from '@/db/schema';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { actorFor, auditEventsSince, createTestApi, lastAuditSeq, setApprovalPolicy } from '@/test/fixtures';

/** A DEV API whose endpoint is plain http, at revision 2. */
async function plainHttpApi() {
  const api = await createTestApi();
  await updateApiDefinition(await actorFor('alice@example.com'), {
    apiId: api.id,
    baseRevision: 1,
    definition: { ...api.definition, endpoints: [{ name: 'legacy', target: 'http://legacy.internal/v1' }] },
  });
  return api;
}

afterEach(async () => {
  await setApprovalPolicy('qa', { approvalsRequired: 1 });
});

describe('gates on requests and decisions', () => {
  it('a failing gate refuses the request with the violated rule, audited; the pre-flight writes nothing', async () => {
    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'https-only', mode: 'fail' }],
    });
    const api = await plainHttpApi();
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();

    const preview = await requestPromotion(alice, { apiId: api.id, target: 'qa', type: 'dry_run' });
    expect(preview.evaluations.entryGate).toMatchObject({
      decision: 'fail',
      violatedPolicies: [
        {
          ruleName: 'https-only',
          explanation: 'Endpoints not using https: legacy (http://legacy.internal/v1).',
        },
      ],
    });
    expect(await auditEventsSince(since)).toEqual([]);

    await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('https-only (entering): Endpoints not using https: legacy'),
      details: {
        entry_gate: 'fail',
        violated_policies: [expect.objectContaining({ rule_name: 'https-only' })],
      },
    });
    expect(await getDb().select().from(promotions).where(eq(promotions.apiId, api.id))).toEqual([]);
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.requested', 'denied'],
    ]);
  });

  it('a gate that fails by the time of the decision refuses it', async () => {
    const api = await plainHttpApi();
    const { id } = await requestPromotion(await actorFor('alice@example.com'), {
      apiId: api.id,
      target: 'qa',
    });
    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'https-only', mode: 'fail' }],
    });
    const since = await lastAuditSeq();
    await expect(approvePromotion(await actorFor('bob@example.com'), id)).rejects.toMatchObject({
      code: 'unprocessable',
      details: { entry_gate: 'fail' },
    });
    const [row] = await getDb().select().from(promotions).where(eq(promotions.id, id));
    expect(row!.status).toBe('pending');
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.approved', 'denied'],
    ]);
  });

  it('a warning needs a justification, which approvers and the audit trail then see', async () => {
    // The source's exit gate: a revision must have soaked 100 hours in DEV.
    await setApprovalPolicy('dev', {
      approvalsRequired: 1,
      exitGate: [{ rule: 'soak-time', hours: 100, mode: 'warn' }],
    });
    try {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).rejects.toMatchObject({
        code: 'validation',
        fieldErrors: { justification: [expect.stringContaining('soak-time (leaving)')] },
      });
      const since = await lastAuditSeq();
      const { id } = await requestPromotion(alice, {
        apiId: api.id,
        target: 'qa',
        justification: 'Hotfix for INC-7, reviewed by the on-call lead.',
      });
      const [row] = await getDb().select().from(promotions).where(eq(promotions.id, id));
      expect(row).toMatchObject({
        justification: 'Hotfix for INC-7, reviewed by the on-call lead.',
        evaluations: { exitGate: { decision: 'warn', stage: 'exit' }, entryGate: { decision: 'pass' } },
      });
      const [event] = await auditEventsSince(since);
      expect(event).toMatchObject({
        action: 'promotion.requested',
        changes: {
          after: { exitGate: 'warn', justification: 'Hotfix for INC-7, reviewed by the on-call lead.' },
        },
      });
      // A warning does not stop the decision.
      await expect(approvePromotion(await actorFor('bob@example.com'), id)).resolves.toMatchObject({
        status: 'accepted',
      });
    } finally {
      await setApprovalPolicy('dev', { approvalsRequired: 1 });
    }
  });

  it('refuses gate rules that cannot be run, field by field', async () => {
    await expect(
      setApprovalPolicy('qa', {
        approvalsRequired: 1,
        entryGate: [
          {
            rule: 'change-window',
            mode: 'fail',
            timeZone: 'Mars/Olympus',
            windows: [{ days: ['mon'], from: '17:00', to: '09:00' }],
          },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: {
        'entryGate.0.timeZone': ['An IANA time zone, e.g. Europe/Berlin'],
        'entryGate.0.windows.0': ['A window ends after it starts'],
      },
    });
  });
});
