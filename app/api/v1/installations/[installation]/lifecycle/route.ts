import { reorderEnvironments } from '@/lib/environments/reorder-environments';
import { apiRoute, json } from '@/lib/http/api-route';

/** Puts the installation's environments in a new lifecycle order (organization admins). */
export const PUT = apiRoute<{ installation: string }>(async ({ actor, params, body }) =>
  json(await reorderEnvironments(actor, { ...(body as object), installation: params.installation } as never)),
);
