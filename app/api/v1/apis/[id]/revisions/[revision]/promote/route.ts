import { apiRoute } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { promotionCreated } from '@/lib/http/promotion-responses';
import { promotionInput } from '@/lib/promotions/prepare-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';

const droneQuery = promotionInput.pick({ target: true, revision: true, parameters: true });

/**
 * The Drone form: `POST …/revisions/{n}/promote?target=qa&key=value…`. Every query parameter but
 * `target` becomes a parameter of the promotion; no body is needed.
 */
export const POST = apiRoute<{ id: string; revision: string }>(async ({ actor, request, params }) => {
  const query = new URL(request.url).searchParams;
  const parameters = Object.fromEntries([...query.entries()].filter(([key]) => key !== 'target'));
  const input = parseInput(droneQuery, {
    target: query.get('target') ?? '',
    revision: params.revision,
    parameters,
  });
  return promotionCreated(actor, params.id, await requestPromotion(actor, { ...input, apiId: params.id }));
});
