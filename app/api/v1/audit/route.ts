import { listAuditEvents } from '@/lib/audit/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { auditFiltersFrom, toAuditEvent } from '@/lib/http/resources';

/** The audit trail the caller may read, newest first, with the audit page's filters and cursor. */
export const GET = apiRoute(async ({ actor, request }) => {
  const params = new URL(request.url).searchParams;
  const page = await listAuditEvents(actor, auditFiltersFrom(params), {
    cursor: params.get('cursor'),
    before: params.get('before'),
  });
  return json({
    items: page.items.map(toAuditEvent),
    nextCursor: page.nextCursor,
    previousCursor: page.previousCursor,
  });
});
