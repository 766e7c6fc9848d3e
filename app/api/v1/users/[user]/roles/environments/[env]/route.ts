import { parseInput } from '@/lib/errors';
import { apiRoute, json } from '@/lib/http/api-route';
import { roleBody } from '@/lib/http/admin-resources';
import { grantRole } from '@/lib/roles/grant-role';
import { revokeRole } from '@/lib/roles/revoke-role';

type Params = { user: string; env: string };

/** Gives the user this role in the environment, replacing the one held there (organization admins). */
export const PUT = apiRoute<Params>(async ({ actor, params, body }) => {
  const { role } = parseInput(roleBody, body);
  const granted = await grantRole(actor, {
    userId: params.user,
    scope: 'environment',
    environment: params.env,
    role,
  });
  return json({ role: granted.role, previousRole: granted.previousRole });
});

/** Takes the user's own role in the environment away (roles through groups stay). */
export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await revokeRole(actor, { userId: params.user, scope: 'environment', environment: params.env });
  return new Response(null, { status: 204 });
});
