import { describe, expect, it } from 'vitest';

import { apiDefinitionSchema } from '@/db/definition';
import { diffDefinitions } from '@/lib/diff';

import {
  evaluateBuiltInRule,
  isInWindow,
  nextWindowOpening,
  type BuiltInRule,
  type GateFacts,
} from './built-in-rules';
import { evaluateGate } from './gate';

const definition = (changes: Record<string, unknown> = {}) =>
  apiDefinitionSchema.parse({
    name: 'Orders',
    version: '1.2.0',
    description: 'Orders of the shop.',
    contextPath: '/orders',
    endpoints: [{ name: 'primary', target: 'https://orders.example.com' }],
    plans: [{ name: 'Partner', security: 'API_KEY', status: 'PUBLISHED' }],
    properties: [{ key: 'team', value: 'orders' }],
    ...changes,
  });

function facts(overrides: Partial<GateFacts> = {}): GateFacts {
  const snapshot = overrides.snapshot ?? definition();
  const target = overrides.target === undefined ? definition({ version: '1.1.0' }) : overrides.target;
  const composed = overrides.composed ?? snapshot;
  return {
    stage: 'request',
    snapshot,
    composed,
    target,
    diff: diffDefinitions(target, composed),
    contextPathTakenBy: null,
    revisionCreatedAt: new Date('2026-11-20T10:00:00Z'),
    hasPrimaryOwner: true,
    now: new Date('2026-11-24T10:00:00Z'),
    requester: { id: '00000000-0000-4000-8000-000000000001', email: 'alice@example.com', name: 'Alice' },
    sourceEnvironment: { key: 'dev', name: 'DEV' },
    targetEnvironment: { key: 'qa', name: 'QA' },
    parameters: {},
    properties: {},
    ...overrides,
  };
}

const verdict = (rule: BuiltInRule, overrides: Partial<GateFacts> = {}) =>
  evaluateBuiltInRule(rule, facts(overrides));

describe('built-in gate rules at their boundaries', () => {
  it('version increases: equal and lower fail, higher passes, pre-releases order', () => {
    const rule = { rule: 'version-increases' } as const;
    expect(verdict(rule, { target: definition({ version: '1.2.0' }) }).violated).toBe(true);
    expect(verdict(rule, { target: definition({ version: '1.10.0' }) }).violated).toBe(true);
    expect(verdict(rule, { target: definition({ version: '1.1.9' }) }).violated).toBe(false);
    expect(verdict(rule, { target: definition({ version: '1.2.0-rc.1' }) }).violated).toBe(false);
    expect(
      verdict(rule, {
        snapshot: definition({ version: '1.2.0-rc.1' }),
        target: definition({ version: '1.2.0' }),
      }).violated,
    ).toBe(true);
    expect(verdict(rule, { target: null }).violated).toBe(false);
    expect(verdict(rule, { target: definition({ version: 'latest' }) })).toMatchObject({
      violated: true,
      explanation: expect.stringContaining('cannot be compared'),
    });
  });

  it('soak time: just under fails, exactly and over pass', () => {
    const rule = { rule: 'soak-time', hours: 96 } as const;
    const at = (iso: string) => verdict(rule, { now: new Date(iso) }).violated;
    expect(at('2026-11-24T09:59:00Z')).toBe(true);
    expect(at('2026-11-24T10:00:00Z')).toBe(false);
    expect(at('2026-11-24T11:00:00Z')).toBe(false);
  });

  it('plans secured: keyless fails by default; a named set admits only those', () => {
    const keyless = definition({
      plans: [
        { name: 'Open', security: 'KEYLESS', status: 'PUBLISHED' },
        { name: 'Partner', security: 'API_KEY' },
      ],
    });
    expect(verdict({ rule: 'plans-secured' }, { composed: keyless })).toMatchObject({
      violated: true,
      explanation: 'Keyless plans: Open.',
      evaluated: { pass: 1, fail: 1 },
    });
    expect(verdict({ rule: 'plans-secured', allowedSecurity: ['JWT', 'OAUTH2'] }).explanation).toBe(
      'Plans not secured with JWT or OAUTH2: Partner (API_KEY).',
    );
    expect(verdict({ rule: 'plans-secured' }).violated).toBe(false);
  });

  it('https only names the offending endpoint', () => {
    const plain = definition({
      endpoints: [
        { name: 'legacy', target: 'http://orders.internal' },
        { name: 'primary', target: 'https://orders.example.com' },
      ],
    });
    expect(verdict({ rule: 'https-only' }, { composed: plain })).toMatchObject({
      violated: true,
      explanation: 'Endpoints not using https: legacy (http://orders.internal).',
      evaluated: { pass: 1, fail: 1 },
    });
  });

  it('required properties, description and owner, context path', () => {
    expect(verdict({ rule: 'required-properties', keys: ['team', 'slack-channel'] })).toMatchObject({
      violated: true,
      explanation: 'Missing properties: slack-channel.',
    });
    expect(
      verdict(
        { rule: 'description-and-owner' },
        { composed: definition({ description: ' ' }), hasPrimaryOwner: false },
      ).explanation,
    ).toBe('The API has no description and the API has no primary owner.');
    expect(
      verdict({ rule: 'context-path-free' }, { contextPathTakenBy: 'another API' }).explanation,
    ).toContain('/orders is already used by another API');
  });
});

describe('change windows', () => {
  // Weekdays 09:00–17:00 in Berlin, which leaves summer time on Sunday 25 October 2026 at 03:00.
  const rule = {
    timeZone: 'Europe/Berlin',
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '09:00', to: '17:00' }],
  };
  const windowRule = {
    rule: 'change-window' as const,
    ...rule,
    windows: rule.windows.map((window) => ({ ...window, days: [...window.days] })),
  };

  it('opens at the edge in local time, on both sides of the time change', () => {
    // Friday 23 October, summer time (UTC+2): 09:00 local is 07:00Z.
    expect(isInWindow(new Date('2026-10-23T06:59:00Z'), windowRule)).toBe(false);
    expect(isInWindow(new Date('2026-10-23T07:00:00Z'), windowRule)).toBe(true);
    expect(isInWindow(new Date('2026-10-23T14:59:00Z'), windowRule)).toBe(true);
    expect(isInWindow(new Date('2026-10-23T15:00:00Z'), windowRule)).toBe(false);
    // Monday 26 October, winter time (UTC+1): 09:00 local is 08:00Z.
    expect(isInWindow(new Date('2026-10-26T07:30:00Z'), windowRule)).toBe(false);
    expect(isInWindow(new Date('2026-10-26T08:00:00Z'), windowRule)).toBe(true);
  });

  it('says when the next window opens, across the weekend and the time change', () => {
    expect(nextWindowOpening(new Date('2026-10-23T15:00:00Z'), windowRule)?.toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    );
    expect(nextWindowOpening(new Date('2026-10-23T15:00:00Z'), { ...windowRule, windows: [] })).toBeNull();
  });

  it('refuses only the apply: before it, the rule tells when it could happen', () => {
    const saturday = new Date('2026-10-24T12:00:00Z');
    expect(verdict(windowRule, { now: saturday, stage: 'request' })).toMatchObject({
      violated: false,
      explanation: expect.stringContaining('the next opens 2026-10-26T08:00:00.000Z'),
    });
    expect(verdict(windowRule, { now: saturday, stage: 'accept' })).toMatchObject({
      violated: true,
      explanation: 'Outside the change windows (Europe/Berlin); the next opens at 2026-10-26T08:00:00.000Z.',
    });
  });
});

describe('a gate', () => {
  it('decides by its worst rule, lists the violated ones in the JFrog shape, and never skips the context path', () => {
    const plain = definition({ endpoints: [{ name: 'legacy', target: 'http://orders.internal' }] });
    const gate = evaluateGate(
      {
        stage: 'entry',
        environmentKey: 'prod',
        rules: [
          { rule: 'https-only', mode: 'fail' },
          { rule: 'soak-time', hours: 200, mode: 'warn' },
          { rule: 'version-increases', mode: 'off' },
        ],
      },
      facts({ composed: plain, contextPathTakenBy: 'Squatter' }),
      'eval-1',
    );
    expect(gate.decision).toBe('fail');
    expect(gate.violatedPolicies.map((policy) => [policy.ruleName, policy.decision])).toEqual([
      ['context-path-free', 'fail'],
      ['https-only', 'fail'],
      ['soak-time', 'warn'],
    ]);
    expect(gate.violatedPolicies[1]).toMatchObject({
      policyId: 'prod:entry',
      resourcesEvaluated: { pass: 0, warn: 0, fail: 1 },
    });
    expect(gate.rules.map((rule) => rule.ruleName)).not.toContain('version-increases');

    const warnOnly = evaluateGate(
      { stage: 'exit', environmentKey: 'qa', rules: [{ rule: 'soak-time', hours: 200, mode: 'warn' }] },
      facts(),
      'eval-2',
    );
    expect(warnOnly).toMatchObject({ decision: 'warn', violatedPolicies: [{ decision: 'warn' }] });
    expect(evaluateGate({ stage: 'exit', environmentKey: 'qa', rules: [] }, facts(), 'eval-3')).toMatchObject(
      {
        decision: 'pass',
        violatedPolicies: [],
      },
    );
  });
});
