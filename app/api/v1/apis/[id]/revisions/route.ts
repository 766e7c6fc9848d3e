import { getApiById, listRevisions } from '@/lib/apis/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { toRevision } from '@/lib/http/resources';

/** Newest first; `cursor` is the revision number to continue below. */
export const GET = apiRoute<{ id: string }>(async ({ actor, request, params }) => {
  const api = await getApiById(actor, params.id);
  const before = Number(new URL(request.url).searchParams.get('cursor')) || null;
  const page = await listRevisions(api, { before });
  return json({ items: page.items.map(toRevision), nextCursor: page.nextCursor });
});
