import { problem } from './problem';

/** Any API path no route serves: a problem+json 404, never the console's HTML page. */
export function unknownApiPath(request: Request): Response {
  const { pathname } = new URL(request.url);
  return problem(
    404,
    undefined,
    `There is no ${request.method} ${pathname} in this API. See /api/v1/openapi.json.`,
  );
}

/** A catch-all route's handlers: every method answers the same 404. */
export const unknownPathHandlers = {
  GET: unknownApiPath,
  HEAD: unknownApiPath,
  POST: unknownApiPath,
  PUT: unknownApiPath,
  PATCH: unknownApiPath,
  DELETE: unknownApiPath,
  OPTIONS: unknownApiPath,
};
