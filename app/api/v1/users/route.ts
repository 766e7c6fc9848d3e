import { apiRoute, json } from '@/lib/http/api-route';
import { toUserSummary } from '@/lib/http/admin-resources';
import { listUsers } from '@/lib/users/queries';
import { createUser } from '@/lib/users/user-writes';

/** Users by name, searchable by name or email (organization admins). */
export const GET = apiRoute(async ({ actor, request }) => {
  const query = new URL(request.url).searchParams;
  const limit = Number(query.get('limit') ?? '') || undefined;
  const page = await listUsers(actor, { q: query.get('q') ?? undefined, cursor: query.get('cursor'), limit });
  return json({ items: page.items.map(toUserSummary), nextCursor: page.nextCursor });
});

/** Creates a user; the one-time password is in this response only (organization admins). */
export const POST = apiRoute(async ({ actor, body }) => json(await createUser(actor, body as never), 201));
