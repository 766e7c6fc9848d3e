import { apiRoute, json } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { toUser, userUpdateBody } from '@/lib/http/admin-resources';
import { getUserForAdmin } from '@/lib/users/queries';
import { setUserDisabled } from '@/lib/users/user-writes';

/** A user with every role, group, active token and the number of open sessions (organization admins). */
export const GET = apiRoute<{ user: string }>(async ({ actor, params }) =>
  json(toUser(await getUserForAdmin(actor, params.user))),
);

/** Disables (sessions end, tokens refused) or enables a user (organization admins). */
export const PATCH = apiRoute<{ user: string }>(async ({ actor, params, body }) => {
  const { disabled } = parseInput(userUpdateBody, body);
  await setUserDisabled(actor, params.user, disabled);
  return json(toUser(await getUserForAdmin(actor, params.user)));
});
