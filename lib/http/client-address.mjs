// @ts-check
/**
 * Which address a request came from. The socket's peer, unless that peer is a proxy named in
 * TRUSTED_PROXIES: then the X-Forwarded-For entries it (and any trusted proxy before it) appended are
 * followed from the right, and the first address that is not a trusted proxy is the client. Entries a
 * client wrote itself sit to the left of that and are never read, so rotating the header changes
 * nothing. Forwarded headers from anyone else are dropped before the app sees the request.
 *
 * Plain JavaScript because `server.mjs` runs it under Node before any TypeScript is compiled.
 */
import net from 'node:net';

/** The header the server sets on every request it hands to Next.js; anything a client sent is replaced. */
export const clientAddressHeader = 'x-stageway-client-address';

/** Headers only a trusted proxy may set. */
const forwardedHeaders = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
];

/**
 * `::ffff:10.0.0.1` → `10.0.0.1`; `[::1]:8080` → `::1`; `10.0.0.1:8080` → `10.0.0.1`; anything else
 * that is not an IP address → null.
 * @param {string | undefined | null} value
 * @returns {string | null}
 */
export function normalizeAddress(value) {
  let address = value?.trim() ?? '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? '';
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1] ?? '';
  return net.isIP(address) ? address.toLowerCase() : null;
}

/**
 * Parses TRUSTED_PROXIES: comma-separated addresses and CIDR ranges (IPv4 or IPv6), or `loopback`
 * and `private` for the usual ranges. Empty or unset: no proxy is trusted. A wrong entry throws, so
 * the server refuses to start rather than trusting the wrong peers.
 * @param {string | undefined} setting
 * @returns {net.BlockList | null}
 */
export function parseTrustedProxies(setting) {
  const entries = (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const named = {
    loopback: ['127.0.0.0/8', '::1/128'],
    private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  };
  const list = new net.BlockList();
  for (const entry of entries.flatMap(
    (entry) => named[/** @type {keyof named} */ (entry.toLowerCase())] ?? [entry],
  )) {
    const [address, prefix, extra] = entry.split('/');
    const family = net.isIP(address ?? '');
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (!family || extra !== undefined || !/^\d+$/.test(String(bits)) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(
        `TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range (10.0.0.0/8, fd00::/8), "loopback" or "private".`,
      );
    }
    list.addSubnet(/** @type {string} */ (address), bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/**
 * @param {net.BlockList | null} trusted
 * @param {string | null} address
 */
function isTrusted(trusted, address) {
  return Boolean(trusted && address && trusted.check(address, net.isIP(address) === 4 ? 'ipv4' : 'ipv6'));
}

/**
 * The client's address for a request whose socket peer is `peer` and that carries `forwardedFor`.
 * @param {string | undefined} peer
 * @param {string | string[] | undefined} forwardedFor
 * @param {net.BlockList | null} trusted
 * @returns {string | null}
 */
export function clientAddress(peer, forwardedFor, trusted) {
  let address = normalizeAddress(peer);
  const hops = [forwardedFor ?? []].flat().join(',').split(',');
  while (isTrusted(trusted, address) && hops.length > 0) {
    const previous = normalizeAddress(hops.pop());
    // A trusted proxy that passed on something which is not an address: the proxy is all we know.
    if (!previous) break;
    address = previous;
  }
  return address;
}

/**
 * Rewrites an incoming request's headers before Next.js sees it: the client address in
 * `clientAddressHeader`, and the forwarded headers kept only when the peer is a trusted proxy.
 * @param {import('node:http').IncomingMessage} request
 * @param {net.BlockList | null} trusted
 */
export function applyClientAddress(request, trusted) {
  const peer = request.socket.remoteAddress;
  const address = clientAddress(peer, request.headers['x-forwarded-for'], trusted);
  if (!isTrusted(trusted, normalizeAddress(peer))) {
    for (const header of forwardedHeaders) delete request.headers[header];
  }
  if (address) request.headers[clientAddressHeader] = address;
  else delete request.headers[clientAddressHeader];
}
