import { lookup } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

import { env } from '@/lib/env';

/**
 * Webhook URLs must not turn Stageway into a probe of the network it runs in: loopback, private,
 * link-local, shared, multicast and reserved addresses are refused, when the webhook is saved and again
 * at every connection (the name is resolved then, so a DNS answer that changes cannot slip through),
 * unless STAGEWAY_WEBHOOKS_ALLOW_PRIVATE=true.
 */

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

const allowPrivate = () => env.STAGEWAY_WEBHOOKS_ALLOW_PRIVATE === 'true';

/** Whether an address is one a webhook may not reach (an IPv4-mapped IPv6 address counts as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const privateMessage =
  'Webhooks cannot reach loopback or private network addresses (set STAGEWAY_WEBHOOKS_ALLOW_PRIVATE=true to allow them).';

/** What is wrong with a webhook URL as written, or null: http(s), a host, no credentials. */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Only http:// and https:// URLs';
  if (url.username || url.password) return 'No user name or password in the URL: the signature authenticates';
  if (url.hash) return 'No #fragment: it would never be sent';
  if (allowPrivate()) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))
    return privateMessage;
  return null;
}

/** At save time, a name that resolves to a private address is refused too (one that does not resolve yet is kept). */
export async function webhookUrlProblemResolved(text: string): Promise<string | null> {
  const problem = webhookUrlProblem(text);
  if (problem || allowPrivate()) return problem;
  const host = new URL(text).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  const addresses = await lookupAll(host, { all: true }).catch(() => []);
  return addresses.some(({ address }) => isPrivateAddress(address)) ? privateMessage : null;
}

/** The resolver deliveries connect with: it refuses private addresses at connection time. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const usable = allowPrivate() ? addresses : addresses.filter(({ address }) => !isPrivateAddress(address));
    if (!usable.length) {
      return callback(
        Object.assign(new Error(`${hostname}: ${privateMessage}`), { code: 'EPRIVATE' }),
        '',
        0,
      );
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
    callback(null, usable[0]!.address, usable[0]!.family);
  });
};

/** A literal address in the URL is checked here: Node connects to it without asking the resolver. */
export function literalAddressProblem(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) && !allowPrivate() && isPrivateAddress(host) ? privateMessage : null;
}
