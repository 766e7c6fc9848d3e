import { removeGroupMember } from '@/lib/groups/group-writes';
import { apiRoute } from '@/lib/http/api-route';

/** Removes a member: what they held through the group stops counting at their next request. */
export const DELETE = apiRoute<{ group: string; user: string }>(async ({ actor, params }) => {
  await removeGroupMember(actor, params.group, params.user);
  return new Response(null, { status: 204 });
});
