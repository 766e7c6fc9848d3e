import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis, promotions } from '@/db/schema';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { getPromotion, listTasks } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import {
  actorFor,
  apiNamed,
  auditEventsSince,
  createTestApi,
  lastAuditSeq,
  setApprovalPolicy,
} from '@/test/fixtures';

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
    // Alice holds no role in QA: a direct promotion is not hers to make, and the preview says why.
    expect(preview.directUnavailableReason).toMatch(/A direct promotion is approved by its requester alone/);
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

  it('compiles a custom rule when the policy is saved: a wrong expression is refused at its position', async () => {
    await expect(
      setApprovalPolicy('qa', {
        approvalsRequired: 1,
        entryGate: [
          {
            rule: 'custom',
            name: 'Ticket',
            mode: 'fail',
            expression: '"ticket" in parameters &&\n  ticket != ""',
          },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { 'entryGate.0.expression': ['Line 2, column 3: Unknown variable: ticket'] },
    });
    await expect(
      setApprovalPolicy('qa', {
        approvalsRequired: 1,
        entryGate: [
          { rule: 'custom', name: 'Same', mode: 'fail', expression: 'true' },
          { rule: 'custom', name: 'Same', mode: 'warn', expression: 'false' },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: { entryGate: [expect.stringContaining('each name once')] },
    });
  });

  it('a custom rule judges the request with its parameters; failing, it refuses with its message', async () => {
    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [
        {
          rule: 'custom',
          name: 'Change ticket',
          mode: 'fail',
          expression: '"ticket" in parameters && parameters.ticket.matches("^OPS-[0-9]+$")',
          message: 'Name an OPS change ticket in the parameter "ticket".',
        },
      ],
    });
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();
    await expect(requestPromotion(alice, { apiId: api.id, target: 'qa' })).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining('Change ticket (entering): Name an OPS change ticket'),
      details: {
        violated_policies: [expect.objectContaining({ rule_name: 'Change ticket', decision: 'fail' })],
      },
    });
    expect((await auditEventsSince(since)).map((event) => [event.action, event.outcome])).toEqual([
      ['promotion.requested', 'denied'],
    ]);
    const { id } = await requestPromotion(alice, {
      apiId: api.id,
      target: 'qa',
      parameters: { ticket: 'OPS-1234' },
    });
    const [row] = await getDb().select().from(promotions).where(eq(promotions.id, id));
    expect(row!.evaluations!.entryGate.rules).toContainEqual(
      expect.objectContaining({ ruleName: 'Change ticket', passed: true }),
    );
  });

  it('"the promotion changes something" is a rule: fail by default, warn asks for a justification, off lets it through', async () => {
    const admin = await actorFor('admin@example.com');
    const payments = await apiNamed('dev', 'Payments');
    // QA already holds revision 2 of Payments.
    const same = { apiId: payments.id, target: 'qa', revision: 2 } as const;
    await expect(requestPromotion(admin, same)).rejects.toMatchObject({ code: 'no_changes' });

    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'changes-something', mode: 'warn' }],
    });
    await expect(requestPromotion(admin, same)).rejects.toMatchObject({
      code: 'validation',
      fieldErrors: {
        justification: [expect.stringContaining('changes-something (entering): No changes found')],
      },
    });
    const warned = await requestPromotion(admin, {
      ...same,
      justification: 'Re-applying after a manual edit.',
    });
    await cancelPromotion(admin, (warned as { id: string }).id);

    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'changes-something', mode: 'off' }],
    });
    const preview = await requestPromotion(admin, { ...same, type: 'dry_run' });
    expect(preview.evaluations.entryGate.decision).toBe('pass');
    expect(preview.diff).toEqual({ action: 'update', parts: [] });
  });

  it('a pending promotion shows the gates as they stand now and says when the target changed, to its readers only', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const created = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    await approvePromotion(bob, created.id);
    const inQa = (await getDb().select().from(apis).where(eq(apis.crossId, api.crossId))).find(
      (row) => row.id !== api.id,
    )!;
    await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: 1,
      definition: { ...api.definition, description: 'Second revision.' },
    });
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    expect((await getPromotion(bob, id)).targetChangedSinceRequest).toBe(false);

    // After the request, QA's copy moves on, and QA starts to require increasing versions.
    await updateApiDefinition(bob, {
      apiId: inQa.id,
      baseRevision: 1,
      definition: { ...inQa.definition, version: '7.7.7' },
    });
    await setApprovalPolicy('qa', {
      approvalsRequired: 1,
      entryGate: [{ rule: 'version-increases', mode: 'fail' }],
    });

    const forBob = await getPromotion(bob, id);
    expect(forBob).toMatchObject({
      targetChangedSinceRequest: true,
      targetApiRevision: 2,
      evaluations: { entryGate: { decision: 'pass' } },
      gatesNow: {
        entryGate: {
          decision: 'fail',
          violatedPolicies: [expect.objectContaining({ ruleName: 'version-increases' })],
        },
      },
    });
    const tasks = await listTasks(bob, { environmentKey: 'qa' });
    expect(tasks.items.find((task) => task.id === id)).toMatchObject({ targetChangedSinceRequest: true });

    // Alice may not read QA's copy: she is told neither that it changed nor how the versions compare.
    const forAlice = await getPromotion(alice, id);
    expect(forAlice).toMatchObject({
      targetChangedSinceRequest: false,
      gatesNow: { entryGate: { decision: 'pass', withheld: 2 } },
    });
    expect(JSON.stringify(forAlice)).not.toContain('7.7.7');
    await expect(approvePromotion(bob, id)).rejects.toMatchObject({ code: 'unprocessable' });
  });
});

describe('one diff everywhere', () => {
  it('the dialog (a dry run), the promotion page and the audit event show the same changes', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const admin = await actorFor('admin@example.com');
    const created = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    await approvePromotion(bob, created.id);
    await updateApiDefinition(alice, {
      apiId: api.id,
      baseRevision: 1,
      definition: {
        ...api.definition,
        version: '1.1.0',
        plans: [{ name: 'Open', security: 'API_KEY', status: 'PUBLISHED' }],
      },
    });
    const options = { apiId: api.id, target: 'qa', properties: { region: 'eu' } } as const;
    const preview = await requestPromotion(admin, { ...options, type: 'dry_run' });
    const { id } = await requestPromotion(alice, options);
    const page = await getPromotion(bob, id);
    expect(page.diff).toEqual(preview.diff);
    expect(preview.diff!.parts.map((part) => part.part)).toEqual(['general', 'plans', 'properties']);

    const since = await lastAuditSeq();
    await approvePromotion(bob, id);
    const applied = (await auditEventsSince(since)).find((event) => event.action === 'api.updated');
    expect(applied?.changes).toBeDefined();
    // The audit records the same values changing: before and after of each changed path.
    expect(JSON.stringify(applied!.changes)).toContain('API_KEY');
    expect(JSON.stringify(applied!.changes)).toContain('1.1.0');
  });
});
