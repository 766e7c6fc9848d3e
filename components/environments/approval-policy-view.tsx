import type { GateRule } from '@/db/gate-rules';
import type { ApprovalPolicy } from '@/lib/promotions/approval-policy';

function ruleText(rule: ApprovalPolicy['rules'][number]): string {
  return rule.kind === 'group'
    ? `${rule.count} approval${rule.count === 1 ? '' : 's'} from members of ${rule.name}`
    : `${rule.count} approval${rule.count === 1 ? '' : 's'} from people with the ${rule.name} role here`;
}

function ruleSentence(rule: GateRule): string {
  switch (rule.rule) {
    case 'changes-something':
      return 'the promotion must change something';
    case 'custom':
      return `${rule.name}: ${rule.expression}`;
    case 'version-increases':
      return 'the version must increase';
    case 'plans-secured':
      return rule.allowedSecurity?.length
        ? `plans must use ${rule.allowedSecurity.join(' or ')}`
        : 'no keyless plans';
    case 'https-only':
      return 'endpoints must use https';
    case 'soak-time':
      return `the revision must be ${rule.hours} h old`;
    case 'required-properties':
      return `properties ${rule.keys.join(', ')} must be set`;
    case 'description-and-owner':
      return 'a description and a primary owner';
    case 'change-window':
      return `applied only ${rule.windows
        .map((window) => `${window.days.join('/')} ${window.from}–${window.to}`)
        .join(', ')} (${rule.timeZone})`;
  }
}

function gateText(rules: GateRule[], direction: string): string {
  const active = rules.filter((rule) => rule.mode !== 'off');
  if (active.length === 0) return `No rules for promotions ${direction}.`;
  return active.map((rule) => `${ruleSentence(rule)} (${rule.mode})`).join('; ') + '.';
}

/** An environment's approval policy, read-only, in plain sentences. */
export function ApprovalPolicyView({
  policy,
  environmentName,
}: {
  policy: ApprovalPolicy;
  environmentName: string;
}) {
  const terms: [string, string][] = [
    [
      'Approvals required',
      `${policy.approvalsRequired} distinct approver${policy.approvalsRequired === 1 ? '' : 's'}; the requester never counts unless self-approval is allowed.`,
    ],
    [
      'Approver rules',
      policy.rules.length
        ? `All of: ${policy.rules.map(ruleText).join('; ')}.${policy.rules.length > 1 ? (policy.approverMayFillSeveralRules ? ' One person may count toward several rules.' : ' Each rule needs its own people.') : ''}`
        : 'None: anyone who may accept promotions here may approve.',
    ],
    [
      'Self-approval',
      policy.selfApprovalAllowed ? 'Allowed.' : 'Not allowed: requesters cannot approve their own requests.',
    ],
    [
      'Authors',
      policy.authorsMayNotApprove
        ? 'May not approve: whoever made a change the promotion brings cannot approve it.'
        : 'May approve changes they made.',
    ],
    [
      'Expiry',
      policy.expiryHours
        ? `Pending requests expire after ${policy.expiryHours} hour${policy.expiryHours === 1 ? '' : 's'}.`
        : 'Pending requests do not expire.',
    ],
    ['Rejecting', policy.reasonRequiredOnReject ? 'Needs a reason.' : 'A reason is optional.'],
    ['Requesting', policy.titleRequired ? 'Needs a title.' : 'A title is optional.'],
    ['Exit gate', gateText(policy.exitGate, 'leaving')],
    [
      'Entry gate',
      `The context path must be free (always).${policy.entryGate.some((rule) => rule.rule === 'changes-something') ? '' : ' The promotion must change something (fail, by default).'} ${gateText(policy.entryGate, 'entering')}`,
    ],
  ];
  return (
    <section
      aria-label="Approval policy"
      className="rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200"
    >
      <p className="mb-3 text-sm text-slate-600">
        Promotions into {environmentName} are judged by{' '}
        {policy.version === 0 ? 'the default policy' : `version ${policy.version} of this policy`}, as it
        stands at each approval.
      </p>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
        {terms.map(([term, text]) => (
          <div key={term} className="contents">
            <dt className="font-medium text-slate-700">{term}</dt>
            <dd className="text-slate-800">{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
