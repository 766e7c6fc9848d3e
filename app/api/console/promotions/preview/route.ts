import { AppError, refuseUnstorableText } from '@/lib/errors';
import { sessionRoute } from '@/lib/http/route';
import { requestPromotion } from '@/lib/promotions/request-promotion';

/**
 * The Promote dialog's live preview: a dry run of the options chosen so far (nothing is written),
 * answering what accepting would change and how the gates judge it, within the walls.
 */
export const POST = sessionRoute(async (actor, request) => {
  let body: Record<string, unknown>;
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    throw new AppError('validation', 'The body is not valid JSON.');
  }
  refuseUnstorableText(body);
  const preview = await requestPromotion(actor, { ...(body as object), type: 'dry_run' } as never);
  return {
    action: preview.action,
    revision: preview.revision,
    targetReadable: preview.targetReadable,
    diff: preview.diff,
    evaluations: preview.evaluations,
    directUnavailableReason: preview.directUnavailableReason,
  };
});
