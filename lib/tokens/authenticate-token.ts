import 'server-only';

import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apiTokens } from '@/db/schema';
import { loadActor, type Actor, type RequestContext } from '@/lib/auth/actor';

import { hashToken, tokenPattern } from './token-secret';

/** `Bearer <token>`, or the bare token as the Codefresh seed sends it; anything else names no token. */
function tokenFromHeader(header: string | null | undefined): string | null {
  const value = header?.trim();
  if (!value) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  const candidate = bearer ? bearer[1]! : value;
  return tokenPattern.test(candidate) ? candidate : null;
}

/**
 * The actor behind an `Authorization` header, or null for a missing, malformed, unknown, revoked or
 * expired token, or a disabled user. The lookup is by digest only (never a comparison of plaintexts),
 * and the roles are read now, so a role taken away is gone on the token's next request.
 */
export async function authenticateToken(
  authorizationHeader: string | null | undefined,
  context: RequestContext,
): Promise<Actor | null> {
  const token = tokenFromHeader(authorizationHeader);
  if (!token) return null;
  const db = getDb();
  const [row] = await db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      name: apiTokens.name,
      usedRecently: sql<boolean>`${apiTokens.lastUsedAt} >= now() - interval '1 minute'`,
    })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    );
  if (!row) return null;
  const actor = await loadActor(db, row.userId, 'token', context);
  if (!actor) return null;

  // At most one write per token and minute, and no statement at all while the last use is recent; when
  // several requests find it stale at once, the condition lets only the first one's UPDATE match.
  if (row.usedRecently) return { ...actor, token: { id: row.id, name: row.name } };
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.id, row.id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
  return { ...actor, token: { id: row.id, name: row.name } };
}
