import { exportAuditEvents } from '@/lib/audit/export-audit-events';
import { parseAuditFilters } from '@/lib/audit/queries';
import { authenticate } from '@/lib/auth/session';
import { problem, problemFrom } from '@/lib/http/problem';

const contentTypes = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' };

/** The caller's view of the trail under the page's filters, streamed as CSV or NDJSON. */
export async function GET(request: Request) {
  try {
    const actor = await authenticate();
    const params = new URL(request.url).searchParams;
    const format = params.get('format') ?? 'csv';
    if (format !== 'csv' && format !== 'ndjson')
      return problem(
        400,
        undefined,
        'format must be csv or ndjson.',
        {},
        { errors: { format: ['One of csv, ndjson'] } },
      );
    const { filters, errors } = parseAuditFilters(params);
    if (Object.keys(errors).length)
      return problem(400, undefined, 'Some filters are invalid.', {}, { errors });
    const stream = await exportAuditEvents(actor, filters, format);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
    return new Response(stream, {
      headers: {
        'Content-Type': contentTypes[format],
        'Content-Disposition': `attachment; filename="stageway-audit-${stamp}.${format}"`,
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    return problemFrom(error);
  }
}
