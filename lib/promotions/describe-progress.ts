import type { ApprovalProgress } from './approval-policy';

/** "1 of 2 approvals · still needs: 1 from Release managers" */
export function describeProgress(progress: ApprovalProgress): string {
  const head = `${progress.count} of ${progress.required} approval${progress.required === 1 ? '' : 's'}`;
  return progress.missingRules.length ? `${head} · still needs: ${progress.missingRules.join(', ')}` : head;
}
