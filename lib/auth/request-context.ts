import type { RequestContext } from './actor';

/**
 * Where a request came from, read from its headers; proxy.ts gives every request an id. The client
 * address is the last X-Forwarded-For entry: the one the nearest proxy appended, which a client cannot
 * forge. Next.js fills the header with the socket address only when it is absent, so in production run
 * behind a proxy that appends to it (nginx `$proxy_add_x_forwarded_for`, every cloud load balancer).
 */
export function requestContextFrom(headers: Headers): RequestContext {
  const forwarded = headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return {
    ip: forwarded || headers.get('x-real-ip') || null,
    userAgent: headers.get('user-agent')?.slice(0, 500) ?? null,
    requestId: headers.get('x-request-id'),
  };
}
