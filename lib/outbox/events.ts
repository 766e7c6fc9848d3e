/**
 * The events Stageway sends out (webhooks, email), with what each means. One list: the webhook forms,
 * the REST validation and the OpenAPI document read it.
 */
export const promotionEvents = {
  'promotion.requested': 'A promotion was requested (or a request was brought up to date).',
  'promotion.approved': 'Someone approved a pending promotion (it may still need more approvals).',
  'promotion.accepted': "The approvals met the target's policy: the promotion is accepted.",
  'promotion.applied': 'The promotion was applied: the target has the new revision.',
  'promotion.rejected': 'Someone rejected the promotion.',
  'promotion.cancelled': 'The requester cancelled the promotion.',
  'promotion.expired': 'The request expired before it was decided.',
  'promotion.failed': 'Applying the accepted promotion failed.',
} as const;

export type PromotionEventType = keyof typeof promotionEvents;

export const promotionEventTypes = Object.keys(promotionEvents) as PromotionEventType[];
