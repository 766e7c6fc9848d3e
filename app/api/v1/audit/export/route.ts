import { exportAuditEvents } from '@/lib/audit/export-audit-events';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { auditFiltersFrom } from '@/lib/http/resources';

const contentTypes = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' };

/** The caller's view of the trail under the page's filters, streamed as CSV or NDJSON. */
export const GET = apiRoute(async ({ actor, request }) => {
  const params = new URL(request.url).searchParams;
  const format = params.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'ndjson') {
    throw new AppError('validation', 'format must be csv or ndjson.', {
      fieldErrors: { format: ['One of csv, ndjson'] },
    });
  }
  const stream = await exportAuditEvents(actor, auditFiltersFrom(params), format);
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
  return new Response(stream, {
    headers: {
      'Content-Type': contentTypes[format],
      'Content-Disposition': `attachment; filename="stageway-audit-${stamp}.${format}"`,
      'Cache-Control': 'no-store',
    },
  });
});
