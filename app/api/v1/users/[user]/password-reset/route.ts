import { apiRoute, json } from '@/lib/http/api-route';
import { resetUserPassword } from '@/lib/users/user-writes';

/** A new one-time password, in this response only; the user's sessions end (organization admins). */
export const POST = apiRoute<{ user: string }>(async ({ actor, params }) => {
  const reset = await resetUserPassword(actor, params.user);
  return json({ id: reset.id, oneTimePassword: reset.oneTimePassword });
});
