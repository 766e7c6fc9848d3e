import { addGroupMember } from '@/lib/groups/group-writes';
import { getGroupForAdmin } from '@/lib/groups/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toGroup } from '@/lib/http/admin-resources';

/** Adds a member, with the API role they get on the group's APIs (default USER). */
export const POST = apiRoute<{ group: string }>(async ({ actor, params, body }) => {
  await addGroupMember(actor, params.group, body as never);
  return json(toGroup(await getGroupForAdmin(actor, params.group)), 201);
});
