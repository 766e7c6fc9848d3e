import type { Actor } from '@/lib/auth/actor';

import { resolveAuditScope, selectAuditExportPage, type AuditFilters } from './queries';

export type AuditExportFormat = 'csv' | 'ndjson';

// Rows per query: large enough to stream fast, small enough that memory stays flat (two batches at
// most are held: the one being written and the next, read meanwhile).
const batchSize = 2000;

const csvHeader = [
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'auth_method',
  'source_ip',
  'user_agent',
  'request_id',
  'action',
  'environments',
  'target_type',
  'target_id',
  'outcome',
  'reason',
  'changes',
  'hash',
];

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: such cells get a leading apostrophe, which spreadsheets show as text. Every cell is quoted.
 */
function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * The actor's view of the trail under these filters, newest first, as a stream that reads one batch
 * from the database each time the reader wants more: memory stays flat however many events there are.
 * Resolves (and so answers not_found for a trail or filter out of reach) before the first byte.
 */
export async function exportAuditEvents(
  actor: Actor,
  filters: AuditFilters,
  format: AuditExportFormat,
): Promise<ReadableStream<Uint8Array>> {
  const scope = await resolveAuditScope(actor, filters);
  const encoder = new TextEncoder();
  const keysOf = (ids: string[]) => ids.map((id) => scope.environmentNames.get(id)?.key ?? id);
  let cursor: string | null | undefined;
  let isStarted = false;
  let nextPage: ReturnType<typeof selectAuditExportPage> | null = null;
  const read = (from: string | null | undefined) => {
    const page = selectAuditExportPage(scope, filters, { cursor: from, limit: batchSize });
    page.catch(() => {}); // Seen when awaited; a client that left does not leave it unhandled.
    return page;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (cursor === null) return controller.close();
        const page = await (nextPage ?? read(cursor));
        // The database reads the next batch while this one is formatted and sent.
        nextPage = page.nextCursor === null ? null : read(page.nextCursor);
        let chunk = !isStarted && format === 'csv' ? csvHeader.join(',') + '\r\n' : '';
        isStarted = true;
        for (const event of page.items) {
          if (format === 'csv') {
            chunk +=
              [
                event.seq,
                event.occurredAt.toISOString(),
                event.actorType,
                event.actorId,
                event.actorName,
                event.authMethod,
                event.sourceIp,
                event.userAgent,
                event.requestId,
                event.action,
                keysOf(event.environmentIds).join(' '),
                event.targetType,
                event.targetId,
                event.outcome,
                event.reason,
                event.changes,
                event.hash,
              ]
                .map(csvCell)
                .join(',') + '\r\n';
          } else {
            chunk +=
              JSON.stringify({
                seq: event.seq,
                occurredAt: event.occurredAt,
                actor: {
                  type: event.actorType,
                  id: event.actorId,
                  name: event.actorName,
                  authMethod: event.authMethod,
                },
                sourceIp: event.sourceIp,
                userAgent: event.userAgent,
                requestId: event.requestId,
                action: event.action,
                environments: keysOf(event.environmentIds),
                target: event.targetType ? { type: event.targetType, id: event.targetId } : null,
                outcome: event.outcome,
                reason: event.reason,
                changes: event.changes,
                hash: event.hash,
              }) + '\n';
          }
        }
        cursor = page.nextCursor;
        if (chunk) controller.enqueue(encoder.encode(chunk));
        if (cursor === null) controller.close();
      },
    },
    // One batch ahead at most: the database is read as fast as the client downloads, no faster.
    { highWaterMark: 1 },
  );
}
