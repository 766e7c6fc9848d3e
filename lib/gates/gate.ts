import type { GateEvaluation, GateRule } from '@/db/gate-rules';

import { evaluateBuiltInRule, type GateFacts, type GateStage, type RuleAnswer } from './built-in-rules';
import { evaluateExpression, readsTarget } from './cel';

/**
 * A gate (an environment's exit or entry policy) judged on one promotion, in the JFrog seed's shape:
 * `decision` is the worst of its rules' (a violated `warn` rule warns, a violated `fail` rule fails),
 * with the violated policies listed. Rules set to `off` are not evaluated.
 */

export type { GateEvaluation };
export type GateDecision = GateEvaluation['decision'];

/** The rule no policy can turn off: a promotion never lands on another API's context path. */
const alwaysOn = { rule: 'context-path-free', mode: 'fail' } as const;
/** Entry gates refuse a promotion that changes nothing unless their policy sets this rule otherwise. */
const changesSomething = { rule: 'changes-something', mode: 'fail' } as const satisfies GateRule;

/** The rules a gate runs: its stored ones, with the entry gate's fixed and default rules first. */
export function gateRules(stage: 'exit' | 'entry', stored: GateRule[]) {
  if (stage === 'exit') return stored;
  const defaults = stored.some((rule) => rule.rule === 'changes-something') ? [] : [changesSomething];
  return [alwaysOn, ...defaults, ...stored];
}

/** The mode of the entry gate's changes-something rule for this policy. */
export function changesSomethingMode(entryGate: GateRule[]): GateRule['mode'] {
  return entryGate.find((rule) => rule.rule === 'changes-something')?.mode ?? changesSomething.mode;
}

type RunnableRule = (typeof alwaysOn | GateRule) & { mode: 'warn' | 'fail' };

function answer(rule: RunnableRule, facts: GateFacts): RuleAnswer {
  if (rule.rule !== 'custom') return evaluateBuiltInRule(rule, facts);
  const outcome = evaluateExpression(rule.expression, {
    snapshot: facts.snapshot,
    result: facts.composed,
    target: facts.target,
    diff: facts.diff,
    action: facts.target ? 'update' : 'create',
    sourceEnvironment: facts.sourceEnvironment,
    targetEnvironment: facts.targetEnvironment,
    requester: facts.requester,
    parameters: facts.parameters,
    properties: facts.properties,
    now: facts.now,
    stage: facts.stage,
  });
  if ('error' in outcome) {
    // Fail-closed: a rule that cannot say yes says no, as loudly as its mode.
    return {
      violated: true,
      explanation: `"${rule.name}" could not be evaluated: ${outcome.error}`,
      evaluated: { pass: 0, fail: 1 },
    };
  }
  return outcome.value
    ? { violated: false, explanation: `"${rule.name}" holds.`, evaluated: { pass: 1, fail: 0 } }
    : {
        violated: true,
        explanation: rule.message || `"${rule.name}" is not true: ${rule.expression}`,
        evaluated: { pass: 0, fail: 1 },
      };
}

/**
 * Judges a gate. Someone who may not read the target's API (`targetReadable: false`) is not told
 * what depends on its values: those rules are left out (counted in `withheld`) for its approvers.
 */
export function evaluateGate(
  gate: { stage: 'exit' | 'entry'; environmentKey: string; rules: GateRule[]; targetReadable?: boolean },
  facts: GateFacts,
  evalId: string,
): GateEvaluation {
  const active = gateRules(gate.stage, gate.rules).filter(
    (rule): rule is RunnableRule => rule.mode !== 'off',
  );
  const runnable = active.filter(
    (rule) => gate.targetReadable !== false || rule.rule === 'context-path-free' || !readsTarget(rule),
  );
  const results = runnable.map((rule) => ({ rule, answer: answer(rule, facts) }));
  const violated = results.filter((result) => result.answer.violated);
  const decision: GateDecision = violated.some((result) => result.rule.mode === 'fail')
    ? 'fail'
    : violated.length
      ? 'warn'
      : 'pass';
  const where = `${gate.stage === 'exit' ? 'leaving' : 'entering'} ${gate.environmentKey}`;
  const name = (rule: RunnableRule) => (rule.rule === 'custom' ? rule.name : rule.rule);
  return {
    evalId,
    stage: gate.stage,
    decision,
    explanation:
      decision === 'pass'
        ? `Every rule for ${where} passes.`
        : `${violated.length} rule${violated.length === 1 ? '' : 's'} for ${where} ${decision === 'fail' ? 'fail' : 'warn'}: ${violated
            .map((result) => result.answer.explanation)
            .join(' ')}`,
    violatedPolicies: violated.map(({ rule, answer }) => ({
      name: `${gate.environmentKey} ${gate.stage} gate`,
      policyId: `${gate.environmentKey}:${gate.stage}`,
      ruleName: name(rule),
      ruleCategory: rule.rule === 'custom' ? 'custom' : 'built-in',
      decision: rule.mode,
      explanation: answer.explanation,
      resourcesEvaluated: {
        pass: answer.evaluated.pass,
        warn: rule.mode === 'warn' ? answer.evaluated.fail : 0,
        fail: rule.mode === 'fail' ? answer.evaluated.fail : 0,
      },
    })),
    rules: results.map(({ rule, answer }) => ({
      ruleName: name(rule),
      mode: rule.mode,
      passed: !answer.violated,
      explanation: answer.explanation,
    })),
    ...(active.length > runnable.length ? { withheld: active.length - runnable.length } : {}),
  };
}

export type { GateFacts, GateStage };
