'use server';

import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { authenticate } from '@/lib/auth/session';
import { markNotificationsRead } from '@/lib/notifications/mark-notifications-read';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { describeProgress } from '@/lib/promotions/describe-progress';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { rejectPromotion } from '@/lib/promotions/reject-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { updatePromotionRequest } from '@/lib/promotions/update-promotion-request';

// Each action is a public endpoint: formAction authenticates, and the domain function authorizes.

export const requestPromotionAction = formAction(
  z.object({
    apiId: z.string(),
    target: z.string({ error: 'Choose a target environment' }).min(1, 'Choose a target environment'),
    title: z.string().optional(),
    message: z.string().optional(),
  }),
  (actor, input) => requestPromotion(actor, input),
  (requested) => ({
    status: 'success',
    message: 'Promotion requested',
    values: { promotionId: requested.id, target: requested.targetEnvironmentKey },
  }),
);

const decision = z.object({ promotionId: z.string(), text: z.string().optional() });

export const approvePromotionAction = formAction(
  decision,
  (actor, input) => approvePromotion(actor, input.promotionId, { comment: input.text }),
  ({ status, result, progress }) => ({
    status: 'success',
    message:
      status === 'accepted' && result
        ? `Approved, and the policy is met: the API was ${result.action} (revision ${result.revision}).`
        : status === 'applying'
          ? 'Approved, and the policy is met: the promotion is being applied.'
          : `Approved: ${describeProgress(progress)}.`,
  }),
);

export const rejectPromotionAction = formAction(
  decision,
  (actor, input) => rejectPromotion(actor, input.promotionId, { reason: input.text }),
  () => ({ status: 'success', message: 'Promotion rejected.' }),
);

export const cancelPromotionAction = formAction(
  decision,
  (actor, input) => cancelPromotion(actor, input.promotionId),
  () => ({ status: 'success', message: 'Promotion request withdrawn.' }),
);

export const updatePromotionRequestAction = formAction(
  decision,
  (actor, input) => updatePromotionRequest(actor, input.promotionId),
  (updated) => ({
    status: 'success',
    message: `Request updated to revision ${updated.revision}: approvals start again.`,
    values: { promotionId: updated.promotionId },
  }),
);

export async function markNotificationsReadAction(): Promise<void> {
  await markNotificationsRead(await authenticate());
}
