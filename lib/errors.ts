import type { z } from 'zod';

/** Field errors keyed by dotted path (`plans.1.security`), as forms and problem+json show them. */
export type FieldErrors = Record<string, string[]>;

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return fieldErrors;
}

/**
 * Every refusal the domain can give, with the HTTP status a REST face maps it to. Faces show
 * `message`; anything that is not an AppError is logged and shown as a generic failure.
 */
export const errorCodes = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  validation: 400,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  no_changes: 422,
  unprocessable: 422,
  rate_limited: 429,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fieldErrors?: FieldErrors; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = options.fieldErrors;
    this.details = options.details;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found.`);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** PostgreSQL's unique_violation, from either driver; `constraint` names the index that refused. */
export function uniqueViolation(error: unknown): { constraint: string } | null {
  for (
    let current = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const candidate = current as { code?: string; constraint?: string; constraint_name?: string };
    if (candidate.code === '23505')
      return { constraint: candidate.constraint_name ?? candidate.constraint ?? '' };
  }
  return null;
}

/** Parses a domain function's input; what does not fit is a validation error, field by field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('validation', 'The request is invalid.', { fieldErrors: toFieldErrors(parsed.error) });
  return parsed.data;
}
