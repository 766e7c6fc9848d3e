import { apiRoute } from '@/lib/http/api-route';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';

/** Revokes a token at once: its owner, or an organization admin. */
export const DELETE = apiRoute<{ token: string }>(async ({ actor, params }) => {
  await revokeApiToken(actor, params.token);
  return new Response(null, { status: 204 });
});
