import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { GateEvaluation } from '@/db/gate-rules';

const tones: Record<GateEvaluation['decision'], BadgeTone> = {
  pass: 'green',
  warn: 'amber',
  fail: 'red',
  error: 'red',
};

/** The exit and entry gates' verdicts, rule by rule. */
export function GatePanel({
  evaluations,
  justification,
  caption,
}: {
  evaluations: { exitGate?: GateEvaluation; entryGate?: GateEvaluation } | null;
  justification?: string | null;
  /** When the verdicts were reached, said under the heading. */
  caption?: string;
}) {
  const gates = [evaluations?.exitGate, evaluations?.entryGate].filter((gate): gate is GateEvaluation =>
    Boolean(gate && 'evalId' in gate),
  );
  if (gates.length === 0) return null;
  return (
    <section aria-label="Gates" className="space-y-2">
      <h2 className="text-lg font-semibold">Gates</h2>
      {caption && <p className="text-sm text-slate-600">{caption}</p>}
      <div className="grid gap-3 md:grid-cols-2">
        {gates.map((gate) => (
          <div key={gate.stage} className="rounded-xl bg-surface p-4 text-sm shadow-sm ring-1 ring-slate-200">
            <p className="flex items-center gap-2 font-medium">
              {gate.stage === 'exit' ? 'Exit gate' : 'Entry gate'}
              <Badge tone={tones[gate.decision]}>{gate.decision}</Badge>
            </p>
            <ul className="mt-2 space-y-1">
              {gate.rules.map((rule) => (
                <li key={rule.ruleName} className={rule.passed ? 'text-slate-600' : 'text-slate-900'}>
                  <span aria-hidden>{rule.passed ? '✓' : rule.mode === 'fail' ? '✗' : '!'}</span>{' '}
                  <span className="font-mono text-xs">{rule.ruleName}</span>
                  {!rule.passed && <span className="text-xs text-slate-500"> ({rule.mode})</span>}:{' '}
                  {rule.explanation}
                </li>
              ))}
            </ul>
            {gate.withheld ? (
              <p className="mt-2 text-xs text-slate-500">
                {gate.withheld} rule{gate.withheld === 1 ? '' : 's'} reading the API already in the target{' '}
                {gate.withheld === 1 ? 'is' : 'are'} judged by its approvers: you may not read it.
              </p>
            ) : null}
          </div>
        ))}
      </div>
      {justification && (
        <p className="rounded-xl bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <span className="font-medium">The requester&apos;s justification:</span> {justification}
        </p>
      )}
    </section>
  );
}
