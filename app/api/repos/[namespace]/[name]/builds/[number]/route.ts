import { droneError, findRepository, getBuild } from '@/lib/dialects/drone';
import { apiRoute, json } from '@/lib/http/api-route';

type Params = { namespace: string; name: string; number: string };

/** Drone's build lookup: a promotion by its number (what a promote answered), else the revision. */
export const GET = apiRoute<Params>(
  async ({ actor, params }) =>
    json(await getBuild(actor, await findRepository(actor, params.namespace, params.name), params.number)),
  { errorBody: droneError },
);
