import type { Actor } from '@/lib/auth/actor';

import { issueApiToken, type ApiTokenInput, type IssuedApiToken } from './issue-api-token';

/** A signed-in user creates a token for themselves; the plaintext is in the result, and only there. */
export async function createApiToken(actor: Actor, input: ApiTokenInput): Promise<IssuedApiToken> {
  return issueApiToken(actor, { userId: actor.userId }, input);
}
