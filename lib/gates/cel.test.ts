import { describe, expect, it } from 'vitest';

import { apiDefinitionSchema } from '@/db/definition';
import { diffDefinitions } from '@/lib/diff';

import type { GateFacts } from './built-in-rules';
import { compileExpression, evaluateExpression, type CelVariables } from './cel';
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

const snapshot = definition();
const target = definition({ version: '1.1.0', properties: [] });
const variables: CelVariables = {
  snapshot,
  result: snapshot,
  target,
  diff: diffDefinitions(target, snapshot),
  action: 'update',
  sourceEnvironment: { key: 'dev', name: 'DEV' },
  targetEnvironment: { key: 'qa', name: 'QA' },
  requester: { id: '00000000-0000-4000-8000-000000000001', email: 'alice@example.com', name: 'Alice' },
  parameters: { ticket: 'OPS-42' },
  properties: {},
  now: new Date('2026-11-24T10:00:00Z'),
  stage: 'request',
};

describe('compiling a custom rule', () => {
  it('accepts a boolean expression over the promotion and says whether it reads the target', () => {
    expect(compileExpression('snapshot.endpoints.all(e, e.target.startsWith("https://"))')).toEqual({
      ok: true,
      readsTarget: false,
    });
    expect(compileExpression('target == null || snapshot.version != target.version')).toEqual({
      ok: true,
      readsTarget: true,
    });
    expect(compileExpression('diff.exists(c, c.part == "plans")')).toMatchObject({ readsTarget: true });
    expect(
      compileExpression('"ticket" in parameters && requester.email.endsWith("@example.com")'),
    ).toMatchObject({
      ok: true,
    });
  });

  it('refuses syntax errors, unknown names and wrong types with their line and column', () => {
    expect(compileExpression('snapshot.version ==')).toMatchObject({ ok: false, line: 1, column: 20 });
    expect(compileExpression('snapshot.name == "x" &&\n  ticket == "y"')).toEqual({
      ok: false,
      message: 'Unknown variable: ticket',
      line: 2,
      column: 3,
    });
    expect(compileExpression('size(diff) > "many"')).toMatchObject({
      ok: false,
      message: 'no such overload: int > string',
      line: 1,
      column: 1,
    });
    expect(compileExpression('size(diff)')).toMatchObject({
      ok: false,
      message: 'The expression must be true or false; this one gives a int.',
    });
  });

  it('refuses an expression past the size and depth limits', () => {
    const huge = Array.from({ length: 300 }, (_, index) => `size(diff) != ${index}`).join(' && ');
    expect(compileExpression(huge)).toMatchObject({
      ok: false,
      message: expect.stringContaining('maxAstNodes'),
    });
  });
});

describe('evaluating a custom rule', () => {
  it('answers true or false from the promotion', () => {
    expect(evaluateExpression('parameters.ticket.startsWith("OPS-")', variables)).toEqual({ value: true });
    expect(evaluateExpression('diff.exists(c, c.path == "version")', variables)).toEqual({ value: true });
    expect(evaluateExpression('now < timestamp("2026-01-01T00:00:00Z")', variables)).toEqual({
      value: false,
    });
    expect(evaluateExpression('targetEnvironment.key == "qa" && action == "update"', variables)).toEqual({
      value: true,
    });
  });

  it('stops a runaway expression at its time limit', () => {
    const wide = {
      ...variables,
      snapshot: definition({
        endpoints: Array.from({ length: 50 }, (_, index) => ({
          name: `e${index}`,
          target: 'https://x.example',
        })),
      }),
    };
    const runaway =
      'snapshot.endpoints.all(a, snapshot.endpoints.all(b, snapshot.endpoints.all(c, snapshot.endpoints.all(d, snapshot.endpoints.all(e, a.name != "" && e.name != "")))))';
    const started = performance.now();
    expect(evaluateExpression(runaway, wide, 50)).toEqual({
      error: 'The expression was stopped after 50 ms.',
    });
    // Stopped, not finished: 50^5 iterations would take minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('turns a runtime error into an error, not an answer', () => {
    expect(evaluateExpression('target.missing == 1', variables)).toEqual({ error: 'No such key: missing' });
    expect(evaluateExpression('snapshot.version', variables)).toEqual({
      error: 'The expression gave string, not true or false.',
    });
  });
});

describe('custom rules in a gate', () => {
  const facts: GateFacts = {
    stage: 'request',
    snapshot,
    composed: snapshot,
    target,
    diff: variables.diff,
    contextPathTakenBy: null,
    revisionCreatedAt: new Date('2026-11-20T10:00:00Z'),
    hasPrimaryOwner: true,
    now: variables.now,
    requester: variables.requester,
    sourceEnvironment: variables.sourceEnvironment,
    targetEnvironment: variables.targetEnvironment,
    parameters: variables.parameters,
    properties: {},
  };
  const gate = (rules: Parameters<typeof evaluateGate>[0]['rules'], targetReadable = true) =>
    evaluateGate({ stage: 'entry', environmentKey: 'qa', rules, targetReadable }, facts, 'eval');

  it('fails closed: an erroring `fail` rule fails the gate, an erroring `warn` rule warns', () => {
    const broken = { rule: 'custom', name: 'Has owner team', expression: 'target.missing == "x"' } as const;
    expect(gate([{ ...broken, mode: 'fail' }])).toMatchObject({
      decision: 'fail',
      violatedPolicies: [
        {
          ruleName: 'Has owner team',
          ruleCategory: 'custom',
          decision: 'fail',
          explanation: '"Has owner team" could not be evaluated: No such key: missing',
        },
      ],
    });
    expect(gate([{ ...broken, mode: 'warn' }]).decision).toBe('warn');
  });

  it('explains a false rule with its message, or its expression', () => {
    const evaluation = gate([
      {
        rule: 'custom',
        name: 'Ticket',
        mode: 'fail',
        expression: '"change" in parameters',
        message: 'Give a change ticket.',
      },
      { rule: 'custom', name: 'Small', mode: 'warn', expression: 'size(diff) < 1' },
      {
        rule: 'custom',
        name: 'Ops ticket',
        mode: 'fail',
        expression: 'parameters.ticket.startsWith("OPS-")',
      },
    ]);
    expect(evaluation.decision).toBe('fail');
    expect(evaluation.violatedPolicies.map((policy) => policy.explanation)).toEqual([
      'Give a change ticket.',
      '"Small" is not true: size(diff) < 1',
    ]);
    expect(evaluation.rules.find((rule) => rule.ruleName === 'Ops ticket')).toMatchObject({ passed: true });
  });

  it('leaves rules reading the target out for someone who may not read it, and says how many', () => {
    const evaluation = gate(
      [
        { rule: 'custom', name: 'Reads target', mode: 'fail', expression: 'target == null' },
        { rule: 'custom', name: 'Own snapshot', mode: 'fail', expression: 'snapshot.name == "Orders"' },
        { rule: 'version-increases', mode: 'fail' },
      ],
      false,
    );
    expect(evaluation).toMatchObject({ decision: 'pass', withheld: 3 });
    expect(evaluation.rules.map((rule) => rule.ruleName)).toEqual(['context-path-free', 'Own snapshot']);
    expect(JSON.stringify(evaluation)).not.toContain('1.1.0');
  });
});
