import 'server-only';

import { getToken } from 'next-auth/jwt';

import { getDb } from '@/db';
import { loadActor, refuseUntilPasswordChanged, type Actor } from '@/lib/auth/actor';
import { activeSession } from '@/lib/auth/sessions';
import { requestContextFrom } from '@/lib/auth/request-context';
import { authSecret } from '@/lib/auth/secret';
import { AppError } from '@/lib/errors';
import { authenticateToken } from '@/lib/tokens/authenticate-token';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who is calling the REST API: an API token (`Authorization: Bearer <token>`, or a bare token as the
 * Codefresh seed sends it), else the console's session cookie. A state-changing request that relies on
 * the cookie must come from the console's own origin, so another site cannot ride on a signed-in
 * browser. Returns null when there are no valid credentials.
 */
export async function authenticateRequest(request: Request): Promise<Actor | null> {
  const context = requestContextFrom(request.headers);
  const authorization = request.headers.get('authorization');
  if (authorization) return authenticateToken(authorization, context);

  const session = await sessionOf(request);
  if (!session) return null;
  if (unsafeMethods.has(request.method) && !isSameOrigin(request)) {
    throw new AppError(
      'forbidden',
      'A request that changes state with the session cookie must come from the console itself: use an API token.',
    );
  }
  const actor = await loadActor(getDb(), session.userId, session.authMethod, context, session.sessionId);
  if (actor) refuseUntilPasswordChanged(actor);
  return actor;
}

/** The server-side session the cookie names, while it holds (ended or expired: none). */
async function sessionOf(request: Request) {
  if (!request.headers.get('cookie')) return null;
  for (const secureCookie of [true, false]) {
    const token = await getToken({ req: request, secret: authSecret(), secureCookie });
    if (token?.sub) {
      const active = await activeSession(token.sid);
      return active && active.userId === token.sub ? active : null;
    }
  }
  return null;
}

/** The Origin's host must be the host the request was sent to (as the nearest proxy saw it). */
function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
