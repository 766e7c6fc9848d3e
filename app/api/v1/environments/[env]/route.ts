import { deleteEnvironment } from '@/lib/environments/delete-environment';
import { getEnvironmentSettings, getVisibleEnvironment } from '@/lib/environments/queries';
import { updateEnvironmentSettings } from '@/lib/environments/update-environment-settings';
import { parseInput } from '@/lib/errors';
import { apiRoute, json } from '@/lib/http/api-route';
import { environmentSettingsBody, toEnvironmentSettings } from '@/lib/http/resources';

export const GET = apiRoute<{ env: string }>(async ({ actor, params }) =>
  json(toEnvironmentSettings(await getEnvironmentSettings(actor, params.env))),
);

/** Changes the given settings (ENVIRONMENT:UPDATE; the key: organization admins, while it holds no API). */
export const PATCH = apiRoute<{ env: string }>(async ({ actor, params, body }) => {
  const { id } = await getVisibleEnvironment(actor, params.env);
  const updated = await updateEnvironmentSettings(actor, {
    ...parseInput(environmentSettingsBody, body),
    environmentId: id,
  });
  return json(toEnvironmentSettings(await getEnvironmentSettings(actor, updated.key)));
});

/** Deletes an environment nothing depends on (organization admins); 409 with the reason otherwise. */
export const DELETE = apiRoute<{ env: string }>(async ({ actor, params }) => {
  await deleteEnvironment(actor, params.env);
  return new Response(null, { status: 204 });
});
