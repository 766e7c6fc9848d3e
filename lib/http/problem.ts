import type { FieldErrors } from '@/lib/apis/definition';
import { isAppError } from '@/lib/errors';

const titles: Record<number, string> = {
  400: 'Invalid request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal error',
};

/** An RFC 9457 problem+json response. */
export function problem(
  status: number,
  title: string = titles[status] ?? 'Error',
  detail?: string,
  headers: Record<string, string> = {},
  extra: { errors?: FieldErrors } & Record<string, unknown> = {},
): Response {
  return Response.json(
    { type: 'about:blank', title, status, detail, ...extra },
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );
}

/** Domain errors keep their status and message; anything else is logged and hidden. */
export function problemFrom(error: unknown): Response {
  if (isAppError(error)) {
    return problem(
      error.status,
      titles[error.status],
      error.message,
      {},
      error.fieldErrors ? { errors: error.fieldErrors } : {},
    );
  }
  console.error('request failed', error);
  return problem(500, titles[500], 'Something went wrong on our side.');
}
