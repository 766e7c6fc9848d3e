import 'server-only';

import { and, eq, isNull } from 'drizzle-orm';

import { apiTokens } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, type Actor } from '@/lib/auth/actor';
import { AppError, notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/**
 * Revokes a token at once: the next request with it is refused. Its owner or an organization admin
 * may; to anyone else the token does not exist.
 */
export async function revokeApiToken(
  actor: Actor,
  tokenId: string,
): Promise<{ id: string; name: string; revokedAt: Date }> {
  if (!isUuid(tokenId)) throw notFound('Token');
  return runAudited(actor, async (tx) => {
    const [token] = await tx
      .select({
        id: apiTokens.id,
        userId: apiTokens.userId,
        name: apiTokens.name,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.id, tokenId))
      .for('update');
    if (!token) throw notFound('Token');
    if (token.userId !== actor.userId && !can(actor, 'ORGANIZATION:ADMIN')) {
      // Someone else's token: it does not exist for this caller, and the attempt is recorded.
      throw new DeniedError(
        'Not found.',
        { action: 'token.revoked', target: { type: 'token', id: token.id } },
        { code: 'not_found' },
      );
    }
    if (token.revokedAt) throw new AppError('conflict', `The token "${token.name}" is already revoked.`);

    // Conditional, so that of two racing revocations exactly one records the act.
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name, revokedAt: apiTokens.revokedAt });
    if (!revoked?.revokedAt) throw new AppError('conflict', `The token "${token.name}" is already revoked.`);
    await recordAudit(tx, actor, {
      action: 'token.revoked',
      target: { type: 'token', id: token.id },
      changes: {
        before: { name: token.name, ownerId: token.userId, revokedAt: null },
        after: { revokedAt: revoked.revokedAt },
      },
    });
    return { id: revoked.id, name: revoked.name, revokedAt: revoked.revokedAt };
  });
}
