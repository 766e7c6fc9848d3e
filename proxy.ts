import { NextResponse, type NextRequest } from 'next/server';

/**
 * Gives every request an id (for the audit trail) and tells pages their own path, so that a signed-out
 * visit can come back after signing in. Authentication itself happens in each page, action and route
 * handler, never here.
 */
export function proxy(request: NextRequest) {
  const requestHeaders = new Headers(request.headers);
  const incoming = requestHeaders.get('x-request-id');
  if (!incoming || !/^[\w.-]{1,100}$/.test(incoming)) requestHeaders.set('x-request-id', crypto.randomUUID());
  requestHeaders.set('x-stageway-path', request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('x-request-id', requestHeaders.get('x-request-id')!);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
