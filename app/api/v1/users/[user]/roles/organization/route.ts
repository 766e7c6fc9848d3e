import { parseInput } from '@/lib/errors';
import { apiRoute, json } from '@/lib/http/api-route';
import { roleBody } from '@/lib/http/admin-resources';
import { grantRole } from '@/lib/roles/grant-role';

/** Makes the user an organization ADMIN or a plain USER; the last admin stays (organization admins). */
export const PUT = apiRoute<{ user: string }>(async ({ actor, params, body }) => {
  const { role } = parseInput(roleBody, body);
  const granted = await grantRole(actor, { userId: params.user, scope: 'organization', role });
  return json({ role: granted.role, previousRole: granted.previousRole });
});
