'use client';

import { useQuery } from '@tanstack/react-query';

import { fetchJson } from '@/lib/fetch-json';

import { NavLink } from './nav-link';

/** "Tasks" with the number of promotions waiting for this user; refreshes by itself. */
export function TasksNavLink() {
  const { data } = useQuery({
    queryKey: ['tasks', 'count'],
    queryFn: () => fetchJson<{ count: number }>('/api/console/tasks/count'),
    refetchInterval: 30_000,
  });
  const count = data?.count ?? 0;
  return (
    <NavLink href="/tasks" match="/tasks">
      Tasks
      {count > 0 && (
        <span
          aria-label={`${count} waiting`}
          className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-chrome"
        >
          {count}
        </span>
      )}
    </NavLink>
  );
}
