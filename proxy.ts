import { NextResponse, type NextRequest } from 'next/server';

/**
 * Gives every request an id (for the audit trail) and tells pages their own path, so that a signed-out
 * visit can come back after signing in. Refuses, before any route runs, what a route would otherwise
 * answer with the framework's 500: a path with invalid percent-encoding (400), and a server action
 * posted from another site (403). Authentication itself happens in each page, action and route
 * handler, never here.
 */
export function proxy(request: NextRequest) {
  const isApi = /^\/(apptrust\/)?api\//.test(request.nextUrl.pathname);
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return refuse(
      request,
      isApi,
      400,
      'Bad request',
      'The address is not valid: it has a malformed %-escape.',
    );
  }
  if (request.headers.has('next-action') && !isSameOrigin(request)) {
    return refuse(
      request,
      isApi,
      403,
      'Forbidden',
      'This action must come from the Stageway console itself.',
    );
  }

  const requestHeaders = new Headers(request.headers);
  // A client's own request id is kept only when it is short and plain; otherwise one is made.
  const incoming = requestHeaders.get('x-request-id');
  if (!incoming || !/^[\w.-]{1,100}$/.test(incoming)) requestHeaders.set('x-request-id', crypto.randomUUID());
  requestHeaders.set('x-stageway-path', request.nextUrl.pathname + request.nextUrl.search);
  // Next puts this nonce on its own scripts when it finds it in the request's policy.
  const policy = contentSecurityPolicy(btoa(crypto.randomUUID()));
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('x-request-id', requestHeaders.get('x-request-id')!);
  withSecurityHeaders(response.headers, request, policy);
  return response;
}

const isDevelopment = process.env.NODE_ENV === 'development';

/** Only this site's own scripts (and Next's, by nonce), styles, images and connections; never framed. */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers every answer carries (HSTS only when the request came over https). */
function withSecurityHeaders(headers: Headers, request: NextRequest, policy: string): void {
  headers.set('Content-Security-Policy', policy);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  headers.set('X-Frame-Options', 'DENY');
  const proto = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '');
  if (proto === 'https') headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/** A browser names the page that posted the action; it must be this site (no Origin: not a browser). */
function isSameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** problem+json for the REST API, a plain page for the console. */
function refuse(
  request: NextRequest,
  isApi: boolean,
  status: number,
  title: string,
  detail: string,
): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  withSecurityHeaders(headers, request, contentSecurityPolicy(btoa(crypto.randomUUID())));
  if (isApi) {
    headers.set('Content-Type', 'application/problem+json');
    return Response.json(
      { type: `/api-docs#problem-${status === 400 ? 'validation' : 'forbidden'}`, title, status, detail },
      { status, headers },
    );
  }
  headers.set('Content-Type', 'text/html; charset=utf-8');
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Stageway</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>${title}</h1><p>${detail}</p><p><a href="/">Back to Stageway</a></p></body></html>`;
  return new Response(page, { status, headers });
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
