import { z } from 'zod';

/**
 * Opaque keyset cursors: the sort key of the last row seen, base64url-encoded JSON. A cursor that does
 * not decode to the expected shape is treated as "from the start" rather than an error.
 */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(
  schema: T,
  cursor: string | null | undefined,
): z.infer<T> | null {
  if (!cursor) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type Page<T> = { items: T[]; nextCursor: string | null };

export const defaultPageSize = 25;
