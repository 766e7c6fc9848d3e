'use server';

import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { AppError } from '@/lib/errors';
import { authenticate } from '@/lib/auth/session';
import { markNotificationsRead } from '@/lib/notifications/mark-notifications-read';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { describeProgress } from '@/lib/promotions/describe-progress';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { rejectPromotion } from '@/lib/promotions/reject-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { updatePromotionRequest } from '@/lib/promotions/update-promotion-request';

// Each action is a public endpoint: formAction authenticates, and the domain function authorizes.

/** "key=value" lines of a form field as a record; a line without "=" is refused, naming the field. */
function keyValueLines(field: string, text: string | undefined): Record<string, string> | undefined {
  const lines = (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0) return undefined;
  const bad = lines.find((line) => !line.includes('='));
  if (bad) {
    throw new AppError('validation', 'Some fields need attention.', {
      fieldErrors: { [field]: [`Each line is key=value ("${bad}" is not)`] },
    });
  }
  return Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

export const requestPromotionAction = formAction(
  z.object({
    apiId: z.string(),
    target: z.string({ error: 'Choose a target environment' }).min(1, 'Choose a target environment'),
    title: z.string().optional(),
    message: z.string().optional(),
    revision: z.string().optional(),
    type: z.string().optional(),
    include: z.string().optional(),
    properties: z.string().optional(),
    parameters: z.string().optional(),
    description: z.string().optional(),
    justification: z.string().optional(),
    mode: z.string().optional(),
  }),
  (actor, input) =>
    requestPromotion(actor, {
      apiId: input.apiId,
      target: input.target,
      mode: input.mode === 'direct' ? 'direct' : 'request',
      title: input.title,
      message: input.message,
      revision: input.revision ? Number(input.revision) : undefined,
      type: input.type === 'move' ? 'move' : 'copy',
      // Every part checked is the default: only a narrower choice becomes `include`.
      include: input.include ? (input.include.split(',').filter(Boolean) as never) : undefined,
      properties: keyValueLines('properties', input.properties),
      parameters: keyValueLines('parameters', input.parameters),
      description: input.description || undefined,
      justification: input.justification || undefined,
    }),
  (requested) => ({
    status: 'success',
    message:
      requested.kind === 'requested'
        ? 'Promotion requested'
        : requested.kind === 'applied'
          ? 'Promoted: applied in the target'
          : 'Promoted: being applied in the target',
    values: { promotionId: requested.id, target: requested.targetEnvironmentKey, outcome: requested.kind },
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
