import { refuseUntilPasswordChanged, type Actor } from '@/lib/auth/actor';
import { getActor } from '@/lib/auth/session';

import { refuseUnstorableText } from '@/lib/errors';

import { problem, problemFrom } from './problem';

/**
 * A JSON route handler for the console's own client code, on the session cookie. It authenticates
 * itself (401 problem+json without a session) and maps domain errors to their status.
 */
export function sessionRoute<Context = unknown>(
  handler: (actor: Actor, request: Request, context: Context) => Promise<unknown>,
) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const actor = await getActor();
      if (!actor) return problem(401, undefined, 'Sign in to continue.');
      refuseUntilPasswordChanged(actor);
      refuseUnstorableText(Object.fromEntries(new URL(request.url).searchParams));
      const body = await handler(actor, request, context);
      return body instanceof Response
        ? body
        : Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
    } catch (error) {
      return problemFrom(error);
    }
  };
}
