import { apiRoute } from '@/lib/http/api-route';
import { signOutEverywhere } from '@/lib/auth/sessions';

/** Signs the user out everywhere: every open session ends (organization admins, or the user). */
export const DELETE = apiRoute<{ user: string }>(async ({ actor, params }) => {
  await signOutEverywhere(actor, params.user);
  return new Response(null, { status: 204 });
});
