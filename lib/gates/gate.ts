import type { GateEvaluation, GateRule } from '@/db/gate-rules';

import { evaluateBuiltInRule, type GateFacts, type GateStage } from './built-in-rules';

/**
 * A gate (an environment's exit or entry policy) judged on one promotion, in the JFrog seed's shape:
 * `decision` is the worst of its rules' (a violated `warn` rule warns, a violated `fail` rule fails),
 * with the violated policies listed. Rules set to `off` are not evaluated.
 */

export type { GateEvaluation };
export type GateDecision = GateEvaluation['decision'];

/** The rule no policy can turn off: a promotion never lands on another API's context path. */
const alwaysOn = { rule: 'context-path-free', mode: 'fail' } as const;

export function evaluateGate(
  gate: { stage: 'exit' | 'entry'; environmentKey: string; rules: GateRule[] },
  facts: GateFacts,
  evalId: string,
): GateEvaluation {
  const rules = gate.stage === 'entry' ? [alwaysOn, ...gate.rules] : gate.rules;
  const results = rules
    .filter((rule) => rule.mode !== 'off')
    .map((rule) => rule as typeof rule & { mode: 'warn' | 'fail' })
    .map((rule) => ({ rule, answer: evaluateBuiltInRule(rule, facts) }));
  const violated = results.filter((result) => result.answer.violated);
  const decision: GateDecision = violated.some((result) => result.rule.mode === 'fail')
    ? 'fail'
    : violated.length
      ? 'warn'
      : 'pass';
  const where = `${gate.stage === 'exit' ? 'leaving' : 'entering'} ${gate.environmentKey}`;
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
      ruleName: rule.rule,
      ruleCategory: 'built-in',
      decision: rule.mode,
      explanation: answer.explanation,
      resourcesEvaluated: {
        pass: answer.evaluated.pass,
        warn: rule.mode === 'warn' ? answer.evaluated.fail : 0,
        fail: rule.mode === 'fail' ? answer.evaluated.fail : 0,
      },
    })),
    rules: results.map(({ rule, answer }) => ({
      ruleName: rule.rule,
      mode: rule.mode,
      passed: !answer.violated,
      explanation: answer.explanation,
    })),
  };
}

export type { GateFacts, GateStage };
