import { droneError, findRepository, promoteBuild } from '@/lib/dialects/drone';
import { AppError } from '@/lib/errors';
import { apiRoute, json } from '@/lib/http/api-route';

type Params = { namespace: string; name: string; number: string };

/**
 * Drone's promote (seed 001), as `drone-node` and the seed's curl call it: `target` and the other
 * parameters from the query string and from a form (or JSON) body; the answer is the new build.
 */
export const POST = apiRoute<Params>(
  async ({ actor, request, params, body }) => {
    const repository = await findRepository(actor, params.namespace, params.name);
    const fields: Record<string, string> = Object.fromEntries(new URL(request.url).searchParams);
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        throw new AppError('validation', `Parameter ${key} must be a string.`, {
          fieldErrors: { [key]: ['Must be text'] },
        });
      }
      fields[key] = value;
    }
    return json(await promoteBuild(actor, repository, params.number, fields));
  },
  { errorBody: droneError, acceptForm: true },
);
