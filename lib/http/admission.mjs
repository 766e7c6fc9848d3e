// @ts-check
/**
 * How many requests one server process works on at once. Every request that reaches the app may need a
 * database connection; when slow requests hold them all, new ones would wait in the pool with no end.
 * The gate admits at most `maxInFlight` at a time and lets the rest wait their turn, in order, for at
 * most `waitMs`: past that the answer is 503 with Retry-After — a quick, honest "busy" instead of a hang,
 * so a load balancer or client retries elsewhere. Liveness and static files skip the gate.
 */

/** @param {{ maxInFlight: number, waitMs: number }} options */
export function createAdmission({ maxInFlight, waitMs }) {
  let inFlight = 0;
  /** @type {{ admit: () => void }[]} */
  const queue = [];

  const leave = () => {
    const next = queue.shift();
    if (next) next.admit();
    else inFlight--;
  };

  return {
    /** Resolves to a function that ends the request's turn, or null when the wait ran out. */
    enter: () =>
      /** @type {Promise<(() => void) | null>} */ (
        new Promise((resolve) => {
          const once = () => {
            let done = false;
            return () => {
              if (!done) ((done = true), leave());
            };
          };
          if (inFlight < maxInFlight) {
            inFlight++;
            return resolve(once());
          }
          const waiter = { admit: () => (clearTimeout(timer), resolve(once())) };
          const timer = setTimeout(() => {
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            resolve(null);
          }, waitMs);
          queue.push(waiter);
        })
      ),
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * Runs `next` once the request's turn comes, and ends the turn when the response closes. A client that
 * gives up while waiting (its connection closed) is not run at all and frees its turn at once — a turn
 * taken by a response that already closed would never be given back.
 */
export async function admit(
  /** @type {ReturnType<typeof createAdmission>} */ admission,
  /** @type {import('node:http').IncomingMessage} */ request,
  /** @type {import('node:http').ServerResponse} */ response,
  /** @type {() => void} */ next,
) {
  let closed = false;
  /** @type {(() => void) | null} */
  let leave = null;
  response.once('close', () => {
    closed = true;
    leave?.();
  });
  leave = await admission.enter();
  if (!leave) {
    if (!closed) answerBusy(request, response);
    return;
  }
  if (closed) return leave();
  next();
}

/** Requests the gate lets through at once: liveness (never queued behind the app) and build assets. */
export function bypassesAdmission(/** @type {string | undefined} */ url) {
  return !url || url === '/api/health' || url.startsWith('/_next/static/') || url === '/favicon.ico';
}

/** The 503 for a request that waited too long: problem+json for the API, a short page for browsers. */
export function answerBusy(
  /** @type {import('node:http').IncomingMessage} */ request,
  /** @type {import('node:http').ServerResponse} */ response,
) {
  const detail = 'The server is busy: too many requests are waiting for the database. Try again in a moment.';
  const isApi = /^\/(api|apptrust)\//.test(request.url ?? '');
  response.writeHead(503, {
    'Content-Type': isApi ? 'application/problem+json' : 'text/html; charset=utf-8',
    'Retry-After': '2',
    'Cache-Control': 'no-store',
  });
  response.end(
    isApi
      ? JSON.stringify({
          type: '/api-docs#problem-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail,
        })
      : `<!doctype html><title>Stageway is busy</title><main><h1>Stageway is busy</h1><p>${detail}</p></main>`,
  );
}
