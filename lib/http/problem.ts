import {
  databaseUnavailable,
  errorCodes,
  isAppError,
  isDatabaseUnavailable,
  type ErrorCode,
} from '@/lib/errors';

export const problemTitles: Record<ErrorCode | 'internal', string> = {
  validation: 'Invalid request',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  no_changes: 'No changes',
  unprocessable: 'Unprocessable request',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

const codeOfStatus = Object.fromEntries(
  Object.entries(errorCodes).map(([code, status]) => [status, code]),
) as Record<number, ErrorCode>;

/**
 * An RFC 9457 problem+json response. `type` points at the problem's description in the API reference;
 * `errors` names every invalid field of a 400.
 */
export function problem(
  status: number,
  title?: string,
  detail?: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
  code: ErrorCode | 'internal' = codeOfStatus[status] ?? 'internal',
): Response {
  return Response.json(
    // Extension members first: they can never override the standard ones.
    { ...extra, type: `/api-docs#problem-${code}`, title: title ?? problemTitles[code], status, detail },
    {
      status,
      headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
    },
  );
}

/** Domain errors keep their status, message and details; anything else is logged and hidden. */
export function problemFrom(raised: unknown): Response {
  const error = isDatabaseUnavailable(raised) ? databaseUnavailable(raised) : raised;
  if (isAppError(error)) {
    const extra: Record<string, unknown> = { ...error.details };
    if (error.fieldErrors) extra.errors = error.fieldErrors;
    const headers: Record<string, string> = {};
    if (typeof error.details?.retryAfterSeconds === 'number')
      headers['Retry-After'] = String(error.details.retryAfterSeconds);
    return problem(error.status, undefined, error.message, headers, extra, error.code);
  }
  console.error('request failed', error);
  return problem(500, undefined, 'Something went wrong on our side.');
}
