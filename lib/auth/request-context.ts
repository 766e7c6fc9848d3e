import type { RequestContext } from './actor';

/**
 * Where a request came from, read from its headers. The client address is the first entry of
 * X-Forwarded-For (set by the load balancer in production); proxy.ts gives every request an id.
 */
export function requestContextFrom(headers: Headers): RequestContext {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return {
    ip: forwarded || headers.get('x-real-ip') || null,
    userAgent: headers.get('user-agent')?.slice(0, 500) ?? null,
    requestId: headers.get('x-request-id'),
  };
}
