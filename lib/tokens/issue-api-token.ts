import 'server-only';

import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';

import { apiTokens, users } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, toFieldErrors, uniqueViolation } from '@/lib/errors';

import { displayPrefix, generateToken, hashToken } from './token-secret';

export const apiTokenInput = z.object({
  name: z
    .string({ error: 'Required' })
    .trim()
    .min(1, 'Required')
    .max(100, 'At most 100 characters')
    .regex(/^[^\p{Cc}]*$/u, 'No control characters'),
  // Forms send '' for "no expiry"; a date-only value means midnight UTC of that day.
  expiresAt: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z.coerce.date({ error: 'Not a valid date' }).optional(),
  ),
});

export type ApiTokenInput = z.input<typeof apiTokenInput>;

export type IssuedApiToken = {
  /** The plaintext: returned this once, never stored, never logged. */
  token: string;
  apiToken: {
    id: string;
    userId: string;
    name: string;
    prefix: string;
    createdAt: Date;
    expiresAt: Date | null;
  };
};

function expiryErrors(expiresAt: Date | undefined, now: Date): string[] {
  if (!expiresAt) return [];
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 1);
  if (expiresAt <= now) return ['The expiry must be in the future'];
  if (expiresAt > limit) return ['The expiry can be at most one year from now'];
  return [];
}

/**
 * Issues a token for a user: the one implementation behind the console (a user for themselves) and
 * the `token:create` script (the system on behalf of a user). Validates, stores only the digest and a
 * display prefix, and audits `token.created` (without any token material) in one transaction.
 */
export async function issueApiToken(
  issuer: Actor | AuditActor,
  owner: { userId: string } | { email: string },
  rawInput: ApiTokenInput,
): Promise<IssuedApiToken> {
  const parsed = apiTokenInput.safeParse(rawInput);
  const fieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
  const expiry = parsed.success ? expiryErrors(parsed.data.expiresAt, new Date()) : [];
  if (!parsed.success || expiry.length) {
    throw new AppError('validation', 'The token was not created: some fields need attention.', {
      fieldErrors: expiry.length ? { ...fieldErrors, expiresAt: expiry } : fieldErrors,
    });
  }
  const { name, expiresAt } = parsed.data;

  try {
    return await runAudited(issuer, async (tx) => {
      // A token minting tokens would let a leaked token outlive its own revocation.
      if ('userId' in issuer && issuer.authMethod === 'token') {
        throw new DeniedError('API tokens cannot create API tokens: sign in to the console.', {
          action: 'token.created',
        });
      }
      const [user] = await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(
          and(
            'userId' in owner
              ? eq(users.id, owner.userId)
              : eq(users.email, owner.email.trim().toLowerCase()),
            isNull(users.disabledAt),
          ),
        );
      if (!user) {
        throw new AppError(
          'not_found',
          'email' in owner ? `No active user with the email ${owner.email}.` : 'User not found.',
        );
      }

      const token = generateToken();
      const [row] = await tx
        .insert(apiTokens)
        .values({
          userId: user.id,
          name,
          prefix: displayPrefix(token),
          tokenHash: hashToken(token),
          expiresAt: expiresAt ?? null,
        })
        .returning({
          id: apiTokens.id,
          userId: apiTokens.userId,
          name: apiTokens.name,
          prefix: apiTokens.prefix,
          createdAt: apiTokens.createdAt,
          expiresAt: apiTokens.expiresAt,
        });
      await recordAudit(tx, issuer, {
        action: 'token.created',
        target: { type: 'token', id: row!.id },
        changes: { after: { name, owner: { id: user.id, email: user.email }, expiresAt: expiresAt ?? null } },
      });
      return { token, apiToken: row! };
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'api_tokens_user_name_key') {
      throw new AppError('validation', 'The token was not created: some fields need attention.', {
        fieldErrors: { name: [`An active token named "${name}" already exists`] },
      });
    }
    throw error;
  }
}
