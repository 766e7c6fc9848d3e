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
  unavailable: 503,
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

/**
 * Parses a domain function's input; what does not fit is a validation error, field by field. Input is
 * strict: a field the schema does not name is refused by its path ("Unknown field"), never silently
 * dropped, so a misspelt option or a field one may not set does not pass unnoticed.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  const unknown = Object.fromEntries(unknownFields(schema, raw).map((path) => [path, ['Unknown field']]));
  if (!parsed.success || Object.keys(unknown).length) {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { ...(parsed.success ? {} : toFieldErrors(parsed.error)), ...unknown },
    });
  }
  return parsed.data;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Paths of the keys in `value` that `schema` (which accepted it) does not name, at every depth. */
export function unknownFields(schema: z.ZodType, value: unknown, path = ''): string[] {
  const def = defOf(schema);
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return value === undefined || value === null ? [] : unknownFields(def.innerType!, value, path);
    case 'pipe':
      return unknownFields(def.in!, value, path);
    case 'lazy':
      return unknownFields(def.getter!(), value, path);
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => unknownFields(def.element!, item, at(index)))
        : [];
    case 'record':
      return value && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, item]) => unknownFields(def.valueType!, item, at(key)))
        : [];
    case 'union': {
      // The option that accepts the value judges it.
      const option = def.options!.find((candidate) => candidate.safeParse(value).success);
      return option ? unknownFields(option, value, path) : [];
    }
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
      const shape = def.shape!;
      const isOpen = def.catchall && defOf(def.catchall).type !== 'never';
      return Object.entries(value).flatMap(([key, item]) =>
        Object.hasOwn(shape, key) ? unknownFields(shape[key]!, item, at(key)) : isOpen ? [] : [at(key)],
      );
    }
    default:
      return [];
  }
}

/** What PostgreSQL cannot store in text: NUL, and halves of a UTF-16 surrogate pair on their own. */
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first string (or key) in a value that PostgreSQL could not store, by its dotted path, or null.
 * Checked at every boundary (REST bodies and query strings, form actions), so such input is a 400 that
 * names the field instead of a database error.
 */
export function unstorableTextIn(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return unstorable.test(value) ? path || '_' : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = unstorableTextIn(value[index], path ? `${path}.${index}` : String(index));
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (unstorable.test(key)) return here;
      const found = unstorableTextIn(item, here);
      if (found) return found;
    }
  }
  return null;
}

/** Refuses input holding text PostgreSQL cannot store, naming the field. */
export function refuseUnstorableText(value: unknown): void {
  const field = unstorableTextIn(value);
  if (field) {
    throw new AppError('validation', 'The request is invalid.', {
      fieldErrors: { [field]: ['Contains a character that cannot be stored (NUL or a lone surrogate)'] },
    });
  }
}

/** The largest value an integer column holds (PostgreSQL int4): every integer input stays within it. */
export const maxInt = 2_147_483_647;

/** The statement was refused and its transaction rolled back: nothing was changed, for certain. */
const refusedCodes = new Set([
  // Too slow or stuck: statement, lock or idle-in-transaction timeout (see db/config.ts), a deadlock.
  '57014',
  '55P03',
  '25P03',
  '40P01',
  // The server cannot take another connection.
  '53300',
  '57P03',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
]);

/**
 * The connection went away mid-request (killed, server shut down or restarted, network): a change whose
 * COMMIT was under way when it did may have been saved, and nobody can know which from here.
 */
const lostCodes = new Set([
  '57P01',
  '57P02',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

function databaseFailureOf(error: unknown): 'refused' | 'lost' | null {
  for (
    let current = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (refusedCodes.has(code)) return 'refused';
    if (lostCodes.has(code)) return 'lost';
  }
  return null;
}

/** Whether an error (or one it wraps) means the database was lost, refused us, or timed out. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseFailureOf(error) !== null;
}

/**
 * The answer to an unavailable database: try again shortly (503 with Retry-After over REST). When the
 * connection was lost mid-request, a change may have been committed just before: the message says so
 * rather than promise that nothing was changed (an Idempotency-Key makes the retry safe).
 */
export const databaseUnavailable = (error?: unknown) =>
  new AppError(
    'unavailable',
    databaseFailureOf(error) === 'lost'
      ? 'The connection to the database was lost. If this request was a change, it may or may not have been saved: check before trying again.'
      : 'The database is unavailable or busy right now; nothing was changed. Try again in a moment.',
    {
      details: { retryAfterSeconds: 5 },
    },
  );
