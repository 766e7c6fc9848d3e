'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextArea } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { useOutcomeToast } from '@/components/ui/toaster';
import { idle, type FormState } from '@/lib/actions/form-state';

type Kind = 'approve' | 'reject' | 'cancel' | 'update';
type FormActionFn = (previous: FormState, formData: FormData) => Promise<FormState>;
export type DecisionActions = Record<Kind, FormActionFn>;

const copy: Record<
  Kind,
  { open: string; title: string; confirm: string; variant: 'primary' | 'danger' | 'secondary' }
> = {
  approve: { open: 'Approve', title: 'Approve this promotion?', confirm: 'Approve', variant: 'primary' },
  reject: { open: 'Reject', title: 'Reject this promotion?', confirm: 'Reject promotion', variant: 'danger' },
  cancel: {
    open: 'Cancel request',
    title: 'Withdraw this request?',
    confirm: 'Withdraw request',
    variant: 'secondary',
  },
  update: {
    open: 'Update request',
    title: 'Update this request to the current revision?',
    confirm: 'Update request',
    variant: 'primary',
  },
};

function DecisionButton(props: {
  kind: Kind;
  action: FormActionFn;
  promotionId: string;
  consequence: string;
  /** A text field and its label, when the decision takes one. */
  field?: string;
  onDone: (state: FormState) => void;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const [state, action, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await props.action(previous, formData);
    // A refusal about what was typed stays in the dialog to fix; anything else (done, or someone
    // decided first) closes it: the page behind is re-read and says what happened.
    if (next.status === 'success' || !next.fieldErrors) setIsOpen(false);
    props.onDone(next);
    return next;
  }, idle);
  const text = copy[props.kind];

  return (
    <>
      <Button type="button" variant={text.variant} onClick={() => setIsOpen(true)}>
        {text.open}
      </Button>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title={text.title}>
        <form action={action} className="space-y-4">
          <input type="hidden" name="promotionId" value={props.promotionId} />
          <p className="text-sm text-slate-700">{props.consequence}</p>
          <FormMessage state={state.status === 'error' ? state : idle} />
          {props.field && (
            <TextArea
              label={props.field}
              name="text"
              rows={3}
              defaultValue={state.values?.text}
              errors={state.fieldErrors?.text ?? state.fieldErrors?.reason}
            />
          )}
          <div className="flex justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => setIsOpen(false)}>
              Back
            </Button>
            <Button
              type="submit"
              variant={props.kind === 'reject' ? 'danger' : 'primary'}
              disabled={isPending}
              aria-busy={isPending}
            >
              {isPending ? 'Working…' : text.confirm}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/**
 * Approve, reject, withdraw or update a promotion request. After each the inbox and its badge are
 * refetched and the page re-read (or, after an update, the new request opened), without a reload.
 */
export function DecisionPanel(props: {
  actions: DecisionActions;
  promotionId: string;
  action: 'create' | 'update';
  apiName: string;
  targetName: string;
  /** What is still needed after this approval: "approving completes the policy" or progress. */
  approvalEffect: string;
  canApprove: boolean;
  whyCannotApprove: string | null;
  canReject: boolean;
  reasonRequired: boolean;
  canCancel: boolean;
  canUpdateRequest: boolean;
  revisions: { requested: number; now: number };
}) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<FormState>(idle);
  useOutcomeToast(outcome, {
    success: 'Decision recorded',
    error: 'Decision not recorded: the page shows the current status',
  });

  const onDone = (state: FormState) => {
    if (state.status === 'error' && state.fieldErrors) return; // Shown in the dialog, to fix there.
    setOutcome(state);
    // Done or refused because someone else decided first: the inbox, its badge and the page are
    // re-read (the action refreshes the page too), so no stale Approve or Reject stays on screen.
    void import('@/lib/query-client').then(({ invalidateLive }) => invalidateLive(['tasks']));
    const successor = state.status === 'success' ? state.values?.promotionId : undefined;
    if (successor && successor !== props.promotionId) router.push(`/promotions/${successor}`);
    else router.refresh();
  };

  return (
    <div className="space-y-3">
      <FormMessage state={outcome} />
      <div className="flex flex-wrap items-center gap-3">
        {props.canApprove && (
          <DecisionButton
            kind="approve"
            action={props.actions.approve}
            promotionId={props.promotionId}
            consequence={props.approvalEffect}
            field="Comment (optional)"
            onDone={onDone}
          />
        )}
        {props.canReject && (
          <DecisionButton
            kind="reject"
            action={props.actions.reject}
            promotionId={props.promotionId}
            consequence={`Rejecting ends the request at once: nothing changes in ${props.targetName}, and the requester is told why.`}
            field={props.reasonRequired ? 'Reason (required)' : 'Reason (optional)'}
            onDone={onDone}
          />
        )}
        {props.canUpdateRequest && (
          <DecisionButton
            kind="update"
            action={props.actions.update}
            promotionId={props.promotionId}
            consequence={`A new request carries revision ${props.revisions.now} instead of ${props.revisions.requested}; the approvals given so far stay with this one, so approvers start again.`}
            onDone={onDone}
          />
        )}
        {props.canCancel && (
          <DecisionButton
            kind="cancel"
            action={props.actions.cancel}
            promotionId={props.promotionId}
            consequence="The request is withdrawn; nothing changes in the target."
            onDone={onDone}
          />
        )}
      </div>
      {props.whyCannotApprove && (
        <p className="max-w-md text-sm text-slate-600">
          <span className="font-medium">You cannot approve:</span> {props.whyCannotApprove}
        </p>
      )}
    </div>
  );
}
