import { deleteGroup, updateGroup } from '@/lib/groups/group-writes';
import { getGroupForAdmin } from '@/lib/groups/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toGroup } from '@/lib/http/admin-resources';

type Params = { group: string };

/** A group with its members (organization admins). */
export const GET = apiRoute<Params>(async ({ actor, params }) =>
  json(toGroup(await getGroupForAdmin(actor, params.group))),
);

/** Renames the group or changes the environment role its members hold. */
export const PATCH = apiRoute<Params>(async ({ actor, params, body }) => {
  await updateGroup(actor, params.group, body as never);
  return json(toGroup(await getGroupForAdmin(actor, params.group)));
});

/** Deletes a group nothing uses; 409 names what uses it (an approval policy, APIs). */
export const DELETE = apiRoute<Params>(async ({ actor, params }) => {
  await deleteGroup(actor, params.group);
  return new Response(null, { status: 204 });
});
