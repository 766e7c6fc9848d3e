import 'server-only';

import { desc, eq, sql } from 'drizzle-orm';

import { getDb } from '@/db';
import { apiTokens } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

export type ApiTokenSummary = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: ApiTokenStatus;
};

/**
 * The actor's own tokens, newest first. Never the digest. Status uses the database clock, the same one
 * `authenticateToken` judges expiry by.
 */
export async function listApiTokens(actor: Actor): Promise<ApiTokenSummary[]> {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      status: sql<ApiTokenStatus>`case
        when ${apiTokens.revokedAt} is not null then 'revoked'
        when ${apiTokens.expiresAt} <= now() then 'expired'
        else 'active' end`,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, actor.userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}
