import { createEnvironment } from '@/lib/environments/create-environment';
import { getEnvironmentSettings, listVisibleEnvironments } from '@/lib/environments/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toEnvironments, toEnvironmentSettings } from '@/lib/http/resources';

export const GET = apiRoute(async ({ actor }) => json(toEnvironments(await listVisibleEnvironments(actor))));

/** Creates an environment in an installation, at a place in its lifecycle (organization admins). */
export const POST = apiRoute(async ({ actor, body }) => {
  const created = await createEnvironment(actor, body as never);
  return json(toEnvironmentSettings(await getEnvironmentSettings(actor, created.key)), 201);
});
