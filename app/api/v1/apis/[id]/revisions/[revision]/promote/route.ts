import { apiRoute } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { isAsync, promotionCreated } from '@/lib/http/promotion-responses';
import { promotionInput } from '@/lib/promotions/prepare-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';

const droneQuery = promotionInput.pick({
  target: true,
  revision: true,
  mode: true,
  type: true,
  parameters: true,
});

/** Query keys that are options of the promotion, not parameters carried with it. */
const options = new Set(['target', 'mode', 'type', 'async']);

/**
 * The Drone form: `POST …/revisions/{n}/promote?target=qa&key=value…`. Every query parameter but the
 * options (`target`, `mode`, `type`, `async`) becomes a parameter of the promotion; no body is needed.
 */
export const POST = apiRoute<{ id: string; revision: string }>(async ({ actor, request, params }) => {
  const query = new URL(request.url).searchParams;
  const input = parseInput(droneQuery, {
    target: query.get('target') ?? '',
    revision: params.revision,
    ...(query.has('mode') && { mode: query.get('mode') }),
    ...(query.has('type') && { type: query.get('type') }),
    parameters: Object.fromEntries([...query.entries()].filter(([key]) => !options.has(key))),
  });
  return promotionCreated(
    actor,
    params.id,
    await requestPromotion(actor, { ...input, apiId: params.id }, { async: isAsync(request) }),
  );
});
