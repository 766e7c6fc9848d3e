import type { Metadata } from 'next';
import Link from 'next/link';

import { DefinitionView } from '@/components/apis/definition-view';
import { DefinitionDiffView } from '@/components/diff/definition-diff-view';
import { GatePanel } from '@/components/gates/gate-panel';
import { ApprovalList } from '@/components/promotions/approval-progress';
import { DecisionPanel } from '@/components/promotions/decision-panel';
import { PromotionActionBadge, PromotionStatusBadge } from '@/components/promotions/status-badge';
import { Badge } from '@/components/ui/badge';
import { DateTime } from '@/components/ui/date-time';
import { requireActor } from '@/lib/auth/session';
import { orNotFound } from '@/lib/page-data';
import { describeProgress } from '@/lib/promotions/describe-progress';
import { getPromotion } from '@/lib/promotions/queries';

import {
  approvePromotionAction,
  cancelPromotionAction,
  rejectPromotionAction,
  updatePromotionRequestAction,
} from '../actions';

const decisionActions = {
  approve: approvePromotionAction,
  reject: rejectPromotionAction,
  cancel: cancelPromotionAction,
  update: updatePromotionRequestAction,
};

export const metadata: Metadata = { title: 'Promotion' };

export default async function PromotionPage({ params }: PageProps<'/promotions/[promotionId]'>) {
  const { promotionId } = await params;
  const actor = await requireActor();
  const promotion = await orNotFound(getPromotion(actor, promotionId));
  const isOpen = promotion.status === 'pending' || promotion.status === 'applying';
  const effect =
    promotion.action === 'create'
      ? `creates ${promotion.apiName} in ${promotion.targetName}`
      : `updates ${promotion.apiName} in ${promotion.targetName} with a new revision`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <p className="text-sm text-slate-500">
            <Link href="/tasks" className="hover:underline">
              Tasks
            </Link>
          </p>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-bold tracking-tight">
            Promote {promotion.apiName}
            <span className="text-slate-500">
              {promotion.sourceName} → {promotion.targetName}
            </span>
            <PromotionStatusBadge status={promotion.status} />
            {isOpen && <PromotionActionBadge action={promotion.action} />}
          </h1>
          <p className="text-sm text-slate-600">
            Revision {promotion.sourceRevision} (v{promotion.apiVersion}) · requested by{' '}
            {promotion.requestedByName} <DateTime value={promotion.createdAt} />
          </p>
          {promotion.decidedAt && (
            <p className="text-sm text-slate-600">
              {promotion.status} by {promotion.decidedByName} <DateTime value={promotion.decidedAt} />
              {promotion.reason && (
                <>
                  {' '}
                  · <span className="font-medium">Reason:</span> {promotion.reason}
                </>
              )}
            </p>
          )}
          <p className="flex gap-3 text-sm">
            {promotion.canSeeSourceApi && (
              <Link
                href={`/environments/${promotion.sourceKey}/apis/${promotion.apiId}`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                Source API in {promotion.sourceName}
              </Link>
            )}
            {promotion.canSeeTargetApi && (
              <Link
                href={`/environments/${promotion.targetKey}/apis/${promotion.targetApiId}`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                API in {promotion.targetName}
              </Link>
            )}
          </p>
        </div>
        {/* Mounted whatever the status, so the outcome of a decision stays on screen after the refresh. */}
        <DecisionPanel
          actions={decisionActions}
          promotionId={promotion.id}
          action={promotion.action}
          apiName={promotion.apiName}
          targetName={promotion.targetName}
          approvalEffect={`Your approval counts toward ${promotion.targetName}'s approval policy (now ${describeProgress(promotion.progress)}). When the policy is met, the promotion is applied: it ${effect}.`}
          canApprove={promotion.canApprove}
          whyCannotApprove={promotion.whyCannotApprove}
          canReject={promotion.canReject}
          reasonRequired={promotion.policy.reasonRequiredOnReject}
          canCancel={promotion.canCancel}
          canUpdateRequest={promotion.canUpdateRequest}
          revisions={{ requested: promotion.sourceRevision, now: promotion.sourceRevisionNow }}
        />
      </div>

      {promotion.sourceChanged && (
        <p role="status" className="rounded-xl bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
          The source has changed since this request (revision {promotion.sourceRevision} →{' '}
          {promotion.sourceRevisionNow}). Approving applies revision {promotion.sourceRevision}, as shown
          below{promotion.canUpdateRequest ? '; Update request brings it to the current revision.' : '.'}
        </p>
      )}
      {promotion.status === 'pending' && promotion.targetChangedSinceRequest && (
        <p role="status" className="rounded-xl bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
          The API in {promotion.targetName} has changed since this request (now revision{' '}
          {promotion.targetApiRevision}): the changes and gates below are against it as it is now.
        </p>
      )}
      {promotion.supersededBy && (
        <p role="status" className="rounded-xl bg-slate-50 p-4 text-sm ring-1 ring-slate-200">
          This request was updated to the source&apos;s newer revision:{' '}
          <Link
            href={`/promotions/${promotion.supersededBy}`}
            className="font-semibold text-indigo-700 hover:underline"
          >
            see the current request
          </Link>
          .
        </p>
      )}
      {promotion.supersedes && (
        <p className="text-sm text-slate-600">
          Replaces an{' '}
          <Link href={`/promotions/${promotion.supersedes}`} className="text-indigo-700 hover:underline">
            earlier request
          </Link>{' '}
          for an older revision; approvals given to that one do not carry over.
        </p>
      )}

      {(isOpen || promotion.progress.approvals.length > 0) && <ApprovalList progress={promotion.progress} />}

      <GatePanel
        evaluations={promotion.gatesNow ?? promotion.evaluations}
        justification={promotion.justification}
        caption={
          promotion.gatesNow
            ? 'As an approval would judge them now: the target and the clock may have moved since the request.'
            : 'As judged when the promotion was requested.'
        }
      />

      {(promotion.title || promotion.message) && (
        <section
          aria-label="Request"
          className="rounded-xl bg-surface p-4 text-sm shadow-sm ring-1 ring-slate-200"
        >
          {promotion.title && <p className="font-semibold">{promotion.title}</p>}
          {promotion.message && (
            <p className="mt-1 whitespace-pre-wrap text-slate-700">{promotion.message}</p>
          )}
        </section>
      )}

      {promotion.status === 'pending' && (
        <div className="space-y-2">
          <h2 className="text-lg font-semibold">
            {promotion.diff?.action === 'create'
              ? `What approving creates in ${promotion.targetName}`
              : `What approving changes in ${promotion.targetName}`}
          </h2>
          {promotion.diff ? (
            <DefinitionDiffView diff={promotion.diff} targetName={promotion.targetName} />
          ) : (
            <p className="text-sm text-slate-600">
              You may not read the API in {promotion.targetName}, so its changes are not shown: approving
              updates it with what this snapshot brings (below).
            </p>
          )}
        </div>
      )}

      <div className="space-y-2">
        <h2 className="flex items-center gap-2 text-lg font-semibold">
          What travels <Badge>snapshot of revision {promotion.sourceRevision}</Badge>
        </h2>
        <p className="text-sm text-slate-600">
          The definition below; members and groups never travel. Context path{' '}
          <code className="font-mono">{promotion.snapshot.contextPath}</code>.
        </p>
        <DefinitionView definition={promotion.snapshot} />
      </div>
    </div>
  );
}
