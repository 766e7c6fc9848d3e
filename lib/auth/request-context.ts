import { clientAddressHeader } from '@/lib/http/client-address.mjs';

import type { RequestContext } from './actor';

/**
 * Where a request came from, read from its headers; proxy.ts gives every request an id. The client
 * address is set by `server.mjs` from the socket and the forwarded headers of trusted proxies only
 * (TRUSTED_PROXIES); under any other server (plain `next start`) it is unknown rather than whatever a
 * client wrote.
 */
export function requestContextFrom(headers: Headers): RequestContext {
  return {
    ip: process.env.STAGEWAY_CLIENT_ADDRESS === 'server' ? headers.get(clientAddressHeader) : null,
    userAgent: headers.get('user-agent')?.slice(0, 500) ?? null,
    requestId: headers.get('x-request-id'),
  };
}
