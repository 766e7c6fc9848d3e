import { codefreshError, commitPromotion } from '@/lib/dialects/codefresh';
import { apiRoute, json } from '@/lib/http/api-route';

/** Codefresh's commit promotion (seed 002): applied at once where the destination allows it. */
export const POST = apiRoute(async ({ actor, body }) => json(await commitPromotion(actor, body), 201), {
  errorBody: codefreshError,
});
