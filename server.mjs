// @ts-check
/**
 * Stageway's server: Next.js behind one decision made at the socket, where the peer's address is
 * known — which address a request came from (see lib/http/client-address.mjs). `npm start` and
 * `npm run dev` run it; `next start` alone would leave every client address unknown.
 *
 *   node server.mjs [--dev] [-p PORT] [-H HOSTNAME]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { admit, bypassesAdmission, createAdmission } from './lib/http/admission.mjs';
import { applyClientAddress, parseTrustedProxies } from './lib/http/client-address.mjs';

const { values: options } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
    // Unset: every interface, IPv4 and IPv6, as `next start` does.
    hostname: { type: 'string', short: 'H' },
  },
});

let trusted;
try {
  trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
} catch (error) {
  console.error(`\nStageway cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const port = Number(options.port);
// As `next start` and `next dev` do; set before Next.js and the app read it.
process.env.NODE_ENV ??= options.dev ? 'development' : 'production';
// Tells the app that the client address header is this server's, not a client's (lib/auth/request-context.ts).
process.env.STAGEWAY_CLIENT_ADDRESS = 'server';
const { default: next } = await import('next');
const app = next({ dev: options.dev, hostname: options.hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

// At most this many requests at once (default: one per database connection, so an admitted request
// never queues for one); the rest wait up to STAGEWAY_QUEUE_TIMEOUT_MS for their turn, then get a 503
// (lib/http/admission.mjs): a new request meets a pool taken by stuck ones with a 503 after 1.5 s,
// well inside the 5 s the fault test allows. Normal bursts never wait that long: a turn lasts tens
// of milliseconds.
const admission = createAdmission({
  maxInFlight: Number(process.env.STAGEWAY_MAX_IN_FLIGHT || process.env.DATABASE_POOL_MAX || 10),
  waitMs: Number(process.env.STAGEWAY_QUEUE_TIMEOUT_MS || 1500),
});

createServer((request, response) => {
  applyClientAddress(request, trusted);
  if (bypassesAdmission(request.url)) return void handle(request, response);
  void admit(admission, request, response, () => void handle(request, response));
}).listen(port, options.hostname, () => {
  const proxies = process.env.TRUSTED_PROXIES?.trim();
  console.info(
    `Stageway: listening on http://${options.hostname ?? 'localhost'}:${port}` +
      ` (${options.dev ? 'development' : 'production'}; forwarded headers trusted from: ${proxies || 'nobody'}).`,
  );
});
