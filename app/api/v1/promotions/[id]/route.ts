import { apiRoute } from '@/lib/http/api-route';
import { promotionResponse } from '@/lib/http/promotion-responses';

export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => promotionResponse(actor, params.id));
