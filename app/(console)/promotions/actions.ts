'use server';

import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { authenticate } from '@/lib/auth/session';
import { markNotificationsRead } from '@/lib/notifications/mark-notifications-read';
import { acceptPromotion } from '@/lib/promotions/accept-promotion';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { rejectPromotion } from '@/lib/promotions/reject-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';

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

export const acceptPromotionAction = formAction(
  decision,
  (actor, input) => acceptPromotion(actor, input.promotionId, { comment: input.text }),
  ({ result }) => ({
    status: 'success',
    message: `Promotion accepted: the API was ${result.action} (revision ${result.revision}).`,
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

export async function markNotificationsReadAction(): Promise<void> {
  await markNotificationsRead(await authenticate());
}
