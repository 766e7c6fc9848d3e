import { z } from 'zod';

/** A key as URLs and the database take it (the same rule as environments_key_format). */
export const keySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'Lowercase letters, digits and -, starting with a letter (at most 32)');

export const nameSchema = z.string().trim().min(1, 'Required').max(40, 'At most 40 characters');
