import { listVisibleEnvironments } from '@/lib/environments/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toEnvironments } from '@/lib/http/resources';

export const GET = apiRoute(async ({ actor }) => json(toEnvironments(await listVisibleEnvironments(actor))));
