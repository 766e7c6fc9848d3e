'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useActionState, useState } from 'react';

import {
  acceptPromotionAction,
  cancelPromotionAction,
  rejectPromotionAction,
} from '@/app/(console)/promotions/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextArea } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';

type Kind = 'accept' | 'reject' | 'cancel';

const actions = {
  accept: acceptPromotionAction,
  reject: rejectPromotionAction,
  cancel: cancelPromotionAction,
};

const copy: Record<Kind, { open: string; title: string; confirm: string; field?: string }> = {
  accept: {
    open: 'Accept',
    title: 'Accept this promotion?',
    confirm: 'Accept promotion',
    field: 'Comment (optional)',
  },
  reject: {
    open: 'Reject',
    title: 'Reject this promotion?',
    confirm: 'Reject promotion',
    field: 'Reason (optional)',
  },
  cancel: { open: 'Cancel request', title: 'Withdraw this request?', confirm: 'Withdraw request' },
};

function DecisionButton(props: {
  kind: Kind;
  promotionId: string;
  consequence: string;
  onDone: (state: FormState) => void;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const [state, action, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await actions[props.kind](previous, formData);
    if (next.status === 'success') setIsOpen(false);
    props.onDone(next);
    return next;
  }, idle);
  const text = copy[props.kind];

  return (
    <>
      <Button
        type="button"
        variant={props.kind === 'accept' ? 'primary' : props.kind === 'reject' ? 'danger' : 'secondary'}
        onClick={() => setIsOpen(true)}
      >
        {text.open}
      </Button>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title={text.title}>
        <form action={action} className="space-y-4">
          <input type="hidden" name="promotionId" value={props.promotionId} />
          <p className="text-sm text-slate-700">{props.consequence}</p>
          <FormMessage state={state.status === 'error' ? state : idle} />
          {text.field && (
            <TextArea label={text.field} name="text" rows={3} errors={state.fieldErrors?.text} />
          )}
          <div className="flex justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => setIsOpen(false)}>
              Back
            </Button>
            <Button
              type="submit"
              variant={props.kind === 'reject' ? 'danger' : 'primary'}
              disabled={isPending}
            >
              {text.confirm}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/**
 * Accept, reject or withdraw a promotion. After a decision the inbox and its badge are refetched and
 * the page re-read, without a reload.
 */
export function DecisionPanel(props: {
  promotionId: string;
  action: 'create' | 'update';
  apiName: string;
  targetName: string;
  canDecide: boolean;
  whyCannotDecide: string | null;
  canCancel: boolean;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<FormState | null>(null);

  const onDone = (state: FormState) => {
    setOutcome(state);
    if (state.status === 'success') {
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
      router.refresh();
    }
  };

  const effect =
    props.action === 'create'
      ? `Accepting creates ${props.apiName} in ${props.targetName}.`
      : `Accepting updates ${props.apiName} in ${props.targetName} with a new revision.`;

  return (
    <div className="space-y-3">
      {outcome && outcome.status === 'success' && <FormMessage state={outcome} />}
      <div className="flex flex-wrap items-center gap-3">
        {props.canDecide && (
          <>
            <DecisionButton
              kind="accept"
              promotionId={props.promotionId}
              consequence={effect}
              onDone={onDone}
            />
            <DecisionButton
              kind="reject"
              promotionId={props.promotionId}
              consequence={`Nothing changes in ${props.targetName}; the requester is told, and may request again.`}
              onDone={onDone}
            />
          </>
        )}
        {props.canCancel && (
          <DecisionButton
            kind="cancel"
            promotionId={props.promotionId}
            consequence="The request is withdrawn; nothing changes in the target."
            onDone={onDone}
          />
        )}
      </div>
      {props.whyCannotDecide && (
        <p className="text-sm text-slate-600">
          <span className="font-medium">Accept is unavailable:</span> {props.whyCannotDecide}
        </p>
      )}
    </div>
  );
}
