import type { Actor } from '@/lib/auth/actor';
import { AppError, refuseUnstorableText } from '@/lib/errors';

import { authenticateRequest } from './authenticate-request';
import { withIdempotency } from './idempotency';
import { problem, problemFrom } from './problem';
import { takeRateLimit } from './rate-limit';

export const maxBodyBytes = 64 * 1024;

type Handler<Params> = (call: {
  actor: Actor;
  request: Request;
  params: Params;
  body: unknown;
}) => Promise<Response>;

/** How a dialect (a seed's own API) differs: its error bodies, and form bodies as well as JSON. */
export type RouteOptions = {
  /** Rewrites a problem+json refusal into the dialect's own error body (and status, where it differs). */
  errorBody?: (problem: DialectProblem) => unknown | { status: number; body: unknown; replaceStatus: true };
  /** Accept `application/x-www-form-urlencoded` bodies too (read into an object of strings). */
  acceptForm?: boolean;
  /** The largest body read (413 past it); routes that take a definition allow `definitionBodyBytes`. */
  maxBodyBytes?: number;
};

/**
 * One REST endpoint: authenticates (401 without valid credentials), counts the request against the
 * token's rate (429), reads a JSON body when the method has one (413 over 64 KiB unless the route
 * allows more, 415 when not JSON,
 * 400 when malformed), honours Idempotency-Key on POST, runs the handler, and turns every refusal into
 * RFC 9457 problem+json — or, for a dialect, into that product's error shape. Authorization happens in
 * the domain functions it calls.
 */
export function apiRoute<Params = Record<string, never>>(
  handler: Handler<Params>,
  options: RouteOptions = {},
) {
  const refuse = (response: Response) =>
    options.errorBody ? reshape(response, options.errorBody) : response;
  return async (request: Request, context: { params: Promise<Params> }): Promise<Response> => {
    try {
      const actor = await authenticateRequest(request);
      if (!actor) {
        return refuse(
          problem(401, undefined, 'Send an API token: Authorization: Bearer <token>.', {
            'WWW-Authenticate': 'Bearer',
          }),
        );
      }
      // Every caller is counted: a token by its id, a browser session by its user.
      await takeRateLimit(actor.token ? `token:${actor.token.id}` : `user:${actor.userId}`);
      const params = await context.params;
      // Path and query too: a NUL or a lone surrogate is a 400 naming it, never a database error.
      refuseUnstorableText({ ...params, ...Object.fromEntries(new URL(request.url).searchParams) });
      if (request.method === 'GET' || request.method === 'HEAD') {
        return await handler({ actor, request, params, body: undefined });
      }
      const text = await readLimited(request, options.maxBodyBytes ?? maxBodyBytes);
      const body = parseBody(request, text, options.acceptForm);
      refuseUnstorableText(body);
      const run = () => handler({ actor, request, params, body });
      return await (request.method === 'POST' ? withIdempotency(actor, request, text, run) : run());
    } catch (error) {
      return refuse(problemFrom(error));
    }
  };
}

/** A refusal as a dialect sees it: the status, the message, the invalid fields, and the error's code. */
export type DialectProblem = {
  status: number;
  detail: string;
  errors?: Record<string, string[]>;
  code: string;
};

async function reshape(
  response: Response,
  errorBody: NonNullable<RouteOptions['errorBody']>,
): Promise<Response> {
  const problem = (await response.json()) as Omit<DialectProblem, 'code'> & { type: string };
  const shaped = errorBody({ ...problem, code: problem.type.split('#problem-')[1] ?? 'internal' });
  const replaced =
    shaped && typeof shaped === 'object' && 'replaceStatus' in shaped
      ? (shaped as unknown as { status: number; body: unknown })
      : null;
  const headers = new Headers(response.headers);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(replaced ? replaced.body : shaped), {
    status: replaced ? replaced.status : response.status,
    headers,
  });
}

function parseBody(request: Request, text: string, acceptForm = false): unknown {
  if (!text.trim()) return {};
  const type = request.headers.get('content-type') ?? '';
  if (acceptForm && /^application\/x-www-form-urlencoded\b/i.test(type)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError(
      'unsupported_media_type',
      acceptForm
        ? 'Send the body as JSON or form fields (application/x-www-form-urlencoded).'
        : 'Send the body as JSON (Content-Type: application/json).',
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation', 'The body is not valid JSON.');
  }
}

/** Reads at most `limit` bytes, whatever Content-Length claimed (it may be absent or wrong). */
async function readLimited(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const tooLarge = (limit: number) =>
  new AppError('payload_too_large', `The body is over ${limit / 1024} KiB.`);

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(data, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}
