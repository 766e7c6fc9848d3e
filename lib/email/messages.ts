import type { PromotionEventType } from '@/lib/outbox/events';

/** The event's data as the outbox keeps it (the webhook payload's `data`). */
export type PromotionEventData = {
  promotion: {
    id: string;
    title: string | null;
    api: { name: string };
    source: { key: string; name: string };
    target: { key: string; name: string };
    sourceRevision: number;
    requestedBy: { id: string; name: string } | null;
    result: { revision: number; action: 'created' | 'updated' } | null;
    url: string;
  };
  actor: { name: string };
  reason: string | null;
  progress?: string | null;
  policyMet?: boolean | null;
};

export type Message = { subject: string; text: string };

/**
 * What each event says by email. Approvers hear of a request waiting for them, with what it changes;
 * the requester hears of each approval and of the outcome, with its reason.
 */
export function messageFor(
  type: PromotionEventType,
  data: PromotionEventData,
  options: { changes?: string[] } = {},
): Message | null {
  const { promotion, actor, reason } = data;
  const route = `${promotion.api.name} ${promotion.source.name} → ${promotion.target.name}`;
  const lines = (...parts: (string | null | false | undefined)[]) => parts.filter(Boolean).join('\n');
  const footer = `\nOpen it in Stageway: ${promotion.url}\n`;
  const because = reason ? `Reason: ${reason}` : null;
  switch (type) {
    case 'promotion.requested':
      return {
        subject: `Promotion waiting for you: ${route}`,
        text: lines(
          `${promotion.requestedBy?.name ?? 'Someone'} asks to promote ${promotion.api.name} (revision ${promotion.sourceRevision}) from ${promotion.source.name} to ${promotion.target.name}.`,
          promotion.title && `Title: ${promotion.title}`,
          '',
          options.changes?.length ? 'What it changes in the target:' : null,
          ...(options.changes ?? []).map((change) => `  - ${change}`),
          footer,
        ),
      };
    case 'promotion.approved':
      // The approval that completes the policy is news as the outcome, not twice.
      if (data.policyMet) return null;
      return {
        subject: `${actor.name} approved your promotion: ${route}`,
        text: lines(
          `${actor.name} approved your promotion of ${promotion.api.name} to ${promotion.target.name}${data.progress ? ` (${data.progress})` : ''}.`,
          reason && `Comment: ${reason}`,
          footer,
        ),
      };
    case 'promotion.applied':
      return {
        subject: `Applied: ${route}`,
        text: lines(
          `Your promotion of ${promotion.api.name} is applied: ${promotion.target.name} has ${promotion.result?.action === 'created' ? 'the new API' : `revision ${promotion.result?.revision ?? '?'}`}.`,
          footer,
        ),
      };
    case 'promotion.rejected':
      return {
        subject: `Rejected: ${route}`,
        text: lines(
          `${actor.name} rejected your promotion of ${promotion.api.name} to ${promotion.target.name}.`,
          because,
          footer,
        ),
      };
    case 'promotion.expired':
      return {
        subject: `Expired: ${route}`,
        text: lines(
          `Your request to promote ${promotion.api.name} to ${promotion.target.name} expired before it was decided.`,
          because,
          footer,
        ),
      };
    case 'promotion.failed':
      return {
        subject: `Failed: ${route}`,
        text: lines(
          `Applying your promotion of ${promotion.api.name} to ${promotion.target.name} failed; nothing was applied.`,
          because,
          footer,
        ),
      };
    case 'promotion.accepted': // The outcome is news once it is applied (or fails).
    case 'promotion.cancelled': // Only the requester cancels: they know.
      return null;
  }
}
