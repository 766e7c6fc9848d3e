import { renameInstallation } from '@/lib/environments/installation-writes';
import { apiRoute, json } from '@/lib/http/api-route';

/** Renames an installation (organization admins). */
export const PATCH = apiRoute<{ installation: string }>(async ({ actor, params, body }) => {
  // The domain function reads the body, after telling anyone but an admin there is nothing here.
  const renamed = await renameInstallation(actor, { ...(body as object), key: params.installation } as never);
  return json({ key: renamed.key, name: renamed.name });
});
