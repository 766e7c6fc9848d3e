import { DateTime } from '@/components/ui/date-time';
import type { ApprovalProgress } from '@/lib/promotions/approval-policy';
import { describeProgress } from '@/lib/promotions/describe-progress';

/** "1 of 2 approvals · still needs: 1 from Release managers", and who approved, in one line. */
export function ApprovalSummary({ progress }: { progress: ApprovalProgress }) {
  const counted = progress.approvals.filter((approval) => approval.notCounted === null);
  return (
    <span className="text-sm text-slate-600">
      <span className="font-medium text-slate-800">{describeProgress(progress)}</span>
      {counted.length > 0 && <> · approved by {counted.map((approval) => approval.name).join(', ')}</>}
    </span>
  );
}

/** Every approval of a promotion, with its comment, and why one no longer counts if it does not. */
export function ApprovalList({ progress }: { progress: ApprovalProgress }) {
  return (
    <section aria-label="Approvals" className="space-y-2">
      <h2 className="text-lg font-semibold">Approvals</h2>
      <p>
        <ApprovalSummary progress={progress} />
      </p>
      {progress.approvals.length === 0 ? (
        <p className="text-sm text-slate-500">No approvals yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl bg-surface text-sm shadow-sm ring-1 ring-slate-200">
          {progress.approvals.map((approval) => (
            <li key={approval.userId} className="space-y-1 px-4 py-3">
              <p>
                <span className="font-medium">{approval.name}</span> approved{' '}
                <DateTime value={approval.approvedAt} />{' '}
                <span className="text-slate-500">(policy version {approval.policyVersion})</span>
              </p>
              {approval.comment && <p className="whitespace-pre-wrap text-slate-700">{approval.comment}</p>}
              {approval.notCounted && (
                <p className="text-amber-700">Does not count now: {approval.notCounted}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
