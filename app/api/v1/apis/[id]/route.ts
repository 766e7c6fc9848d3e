import { getApiById } from '@/lib/apis/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toApi } from '@/lib/http/resources';

export const GET = apiRoute<{ id: string }>(async ({ actor, params }) =>
  json(toApi(await getApiById(actor, params.id))),
);
