import 'server-only';

import type { AuditEventInput } from '@/lib/audit/record';
import { DeniedError } from '@/lib/audit/run-audited';
import { AppError } from '@/lib/errors';

import { violations, type Evaluations } from './judge-gates';

/**
 * What a request or a decision must do about the gates: a `fail` refuses it (422, the violated rules
 * listed, a `denied` audit event); a `warn` lets a request through only with a written justification.
 */
export function enforceGates(
  evaluations: Evaluations,
  justification: string | undefined,
  event: AuditEventInput,
  options: { needsJustification?: boolean } = { needsJustification: true },
): void {
  const details = {
    exit_gate: evaluations.exitGate.decision,
    entry_gate: evaluations.entryGate.decision,
    violated_policies: [
      ...evaluations.exitGate.violatedPolicies,
      ...evaluations.entryGate.violatedPolicies,
    ].map((policy) => ({
      rule_name: policy.ruleName,
      decision: policy.decision,
      explanation: policy.explanation,
    })),
  };
  const failing = violations(evaluations, 'fail');
  if (failing.length) {
    throw new DeniedError(`The gates refuse this promotion: ${failing.join(' ')}`, event, {
      code: 'unprocessable',
      details,
    });
  }
  const warning = violations(evaluations, 'warn');
  if (warning.length && options.needsJustification && !justification) {
    throw new AppError(
      'validation',
      `The gates warn: ${warning.join(' ')} Give a justification to go ahead.`,
      {
        fieldErrors: { justification: [`Required: ${warning.join(' ')}`] },
        details,
      },
    );
  }
}
