import { createHash, randomBytes } from 'node:crypto';

/** `stw_` and the base64url of 32 random bytes (43 characters, no padding). */
export const tokenPattern = /^stw_[A-Za-z0-9_-]{43}$/;

/** How much of a token lists show: enough to tell tokens apart (48 bits), far too little to use. */
const prefixLength = 12;

export function generateToken(): string {
  return `stw_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256, hex. A fast hash is enough: with 256 random bits there is nothing to brute-force, and a
 * lookup by digest needs no comparison of secrets in application code.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function displayPrefix(token: string): string {
  return token.slice(0, prefixLength);
}
