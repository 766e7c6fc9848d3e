import { listApis } from '@/lib/apis/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toApiSummary } from '@/lib/http/resources';

export const GET = apiRoute<{ env: string }>(async ({ actor, request, params }) => {
  const page = await listApis(actor, params.env, Object.fromEntries(new URL(request.url).searchParams));
  return json({
    environment: { key: page.environment.key, name: page.environment.name },
    items: page.items.map(toApiSummary),
    nextCursor: page.nextCursor,
  });
});
