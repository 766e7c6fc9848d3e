'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { ApprovalSummary } from '@/components/promotions/approval-progress';
import { PromotionActionBadge } from '@/components/promotions/status-badge';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { fetchJson } from '@/lib/fetch-json';
import type { Page } from '@/lib/pagination';
import type { TaskWithProgress } from '@/lib/promotions/queries';

type TaskJson = Omit<TaskWithProgress, 'createdAt' | 'decidedAt'> & {
  createdAt: string;
  decidedAt: string | null;
};

const ageFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

function age(iso: string): string {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps)
    if (Math.abs(seconds) >= size) return ageFormat.format(Math.round(seconds / size), unit);
  return 'just now';
}

/**
 * The inbox, or with `waiting` the tasks the user approved that still need others: refreshes by
 * itself every 30 s and whenever a decision invalidates ['tasks'].
 */
export function TaskList({
  environmentKey,
  waiting = false,
}: {
  environmentKey: string | null;
  waiting?: boolean;
}) {
  const query = useInfiniteQuery({
    queryKey: ['tasks', waiting ? 'waiting' : 'list', environmentKey],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams();
      if (environmentKey) params.set('environment', environmentKey);
      if (waiting) params.set('waiting', '1');
      if (pageParam) params.set('cursor', pageParam);
      return fetchJson<Page<TaskJson>>(`/api/console/tasks?${params}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 30_000,
  });

  if (query.isPending) return <p className="text-sm text-slate-500">Loading tasks…</p>;
  if (query.isError)
    return <p className="text-sm text-red-700">The tasks could not be loaded: {query.error.message}</p>;

  const tasks = query.data.pages.flatMap((page) => page.items);
  if (tasks.length === 0) {
    return (
      <p className="rounded-xl bg-surface p-8 text-center text-sm text-slate-500 shadow-sm ring-1 ring-slate-200">
        {waiting
          ? 'Nothing you approved is waiting for others.'
          : 'No promotion is waiting for your decision.'}
      </p>
    );
  }

  return (
    <div className="space-y-3">
      <ul className="space-y-3" aria-label={waiting ? 'Waiting for others' : 'Tasks'}>
        {tasks.map((task) => (
          <li key={task.id} className="rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="flex flex-wrap items-center gap-2">
                <Link
                  href={`/promotions/${task.id}`}
                  className="font-semibold text-indigo-700 hover:underline"
                >
                  {task.apiName}
                </Link>
                <span className="text-sm text-slate-600">
                  {task.sourceName} → {task.targetName}
                </span>
                <PromotionActionBadge action={task.action} />
                {task.sourceRevisionNow !== task.sourceRevision && (
                  <Badge tone="amber">
                    source changed: revision {task.sourceRevision} → {task.sourceRevisionNow}
                  </Badge>
                )}
                {task.targetChangedSinceRequest && (
                  <Badge tone="amber">{task.targetName} changed since the request</Badge>
                )}
              </div>
              <span className="text-xs text-slate-500">
                {task.requestedByName} · <time dateTime={task.createdAt}>{age(task.createdAt)}</time>
              </span>
            </div>
            <p className="mt-1">
              <ApprovalSummary progress={task.progress} />
            </p>
            {task.justification && (
              <p className="mt-1 text-sm text-amber-900">
                <Badge tone="amber">gate warning</Badge> Justification: {task.justification}
              </p>
            )}
            {task.title && <p className="mt-2 text-sm font-medium">{task.title}</p>}
            {task.message && (
              <p className="mt-1 line-clamp-3 whitespace-pre-wrap text-sm text-slate-700">{task.message}</p>
            )}
            {Object.keys(task.parameters).length > 0 && (
              <p className="mt-1 font-mono text-xs text-slate-500">
                {Object.entries(task.parameters)
                  .map(([key, value]) => `${key}=${value}`)
                  .join('  ')}
              </p>
            )}
          </li>
        ))}
      </ul>
      {query.hasNextPage && (
        <Button
          type="button"
          variant="secondary"
          onClick={() => query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? 'Loading…' : 'Older tasks'}
        </Button>
      )}
    </div>
  );
}
