import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

import { authSecret } from '@/lib/auth/secret';

/**
 * A webhook's signing secret: 32 random bytes, shown to its owner once. Stored encrypted (AES-256-GCM,
 * with a key derived from AUTH_SECRET), since signing needs the secret itself, not a digest of it.
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function sealingKey(): Buffer {
  return Buffer.from(hkdfSync('sha256', authSecret(), '', 'stageway webhook secrets', 32));
}

export function sealWebhookSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

export function openWebhookSecret(stored: string): string {
  const bytes = Buffer.from(stored.replace(/^v1\./, ''), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}

/**
 * The `Stageway-Signature` header, in Stripe's style: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed with the secret>`. The timestamp is signed too, so a receiver can refuse
 * replays of old deliveries.
 */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * What a receiver does (and the README shows): recompute the HMAC over "<t>.<body>" and compare in
 * constant time; refuse a timestamp older than `toleranceSeconds`.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  { now = Date.now() / 1000, toleranceSeconds = 300 } = {},
): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signatureHeader(secret, body, timestamp).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
