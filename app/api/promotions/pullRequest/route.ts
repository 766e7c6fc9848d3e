import { codefreshError, pullRequestPromotion } from '@/lib/dialects/codefresh';
import { apiRoute, json } from '@/lib/http/api-route';

/** Codefresh's pull-request promotion (seed 002): a request for the destination's approvers. */
export const POST = apiRoute(async ({ actor, body }) => json(await pullRequestPromotion(actor, body), 201), {
  errorBody: codefreshError,
});
