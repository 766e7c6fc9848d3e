import { jfrogError, promoteApplicationVersion } from '@/lib/dialects/jfrog';
import { apiRoute, json } from '@/lib/http/api-route';
import { isAsync } from '@/lib/http/promotion-responses';

type Params = { application: string; version: string };

/**
 * JFrog AppTrust's promote (seed 003), as its curl example sends it. Its codes, not Stageway's: 201
 * when done synchronously, 200 when `async=true` was asked for. (A promotion here is a request for the
 * target's approvers, so nothing is applied while the caller waits either way.)
 */
export const POST = apiRoute<Params>(
  async ({ actor, request, params, body }) => {
    const answer = await promoteApplicationVersion(actor, params.application, params.version, body);
    return json(answer, isAsync(request) ? 200 : 201);
  },
  { errorBody: jfrogError },
);
