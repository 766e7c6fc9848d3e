import { createGroup } from '@/lib/groups/group-writes';
import { getGroupForAdmin, listGroups } from '@/lib/groups/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toGroup } from '@/lib/http/admin-resources';

/** Every group, in lifecycle order of its environment (organization admins). */
export const GET = apiRoute(async ({ actor }) => json({ items: (await listGroups(actor)).map(toGroup) }));

/** Creates a group in an environment, with the environment role its members hold (or none). */
export const POST = apiRoute(async ({ actor, body }) => {
  const created = (await createGroup(actor, body as never))!;
  return json(toGroup(await getGroupForAdmin(actor, created.id)), 201);
});
