import { problem } from '@/lib/http/problem';

/** Any /api path no route serves: a problem+json 404, never the console's HTML page. */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return problem(
    404,
    undefined,
    `There is no ${request.method} ${pathname} in this API. See /api/v1/openapi.json.`,
  );
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
