import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { dataDir, isEmbeddedDatabase } from '@/db/config';
import { env } from '@/lib/env';

let cached: string | undefined;

/**
 * The key that signs session cookies. AUTH_SECRET wins; on the embedded database, a secret is
 * generated on first start and kept beside the data (so sessions survive restarts). Against a real
 * PostgreSQL there is no safe default: several instances must share one secret, so it must be set.
 */
export function authSecret(): string {
  if (cached) return cached;
  if (env.AUTH_SECRET) return (cached = env.AUTH_SECRET);
  if (!isEmbeddedDatabase) {
    throw new Error(
      'AUTH_SECRET is not set. With DATABASE_URL set, every instance must share one secret: ' +
        'set AUTH_SECRET to at least 32 random characters (for example: openssl rand -base64 33).',
    );
  }
  if (dataDir === 'memory://') return (cached = randomBytes(33).toString('base64url'));
  const file = path.join(dataDir, 'auth-secret');
  try {
    cached = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(33).toString('base64url'), { mode: 0o600, flag: 'wx' });
    cached = fs.readFileSync(file, 'utf8').trim();
  }
  return cached;
}
