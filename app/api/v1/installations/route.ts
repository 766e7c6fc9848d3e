import { createInstallation } from '@/lib/environments/installation-writes';
import { apiRoute, json } from '@/lib/http/api-route';

/** Creates an installation, last in order (organization admins). */
export const POST = apiRoute(async ({ actor, body }) => {
  const created = await createInstallation(actor, body as never);
  return json({ key: created.key, name: created.name }, 201);
});
