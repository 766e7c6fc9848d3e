'use client';

import { useRouter } from 'next/navigation';

export function TaskFilter({
  environments,
  current,
}: {
  environments: { key: string; name: string }[];
  current: string | null;
}) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-slate-600">Target environment</span>
      <select
        value={current ?? ''}
        onChange={(event) =>
          router.push(event.target.value ? `/tasks?environment=${event.target.value}` : '/tasks')
        }
        className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-inset ring-slate-300"
      >
        <option value="">All</option>
        {environments.map((environment) => (
          <option key={environment.key} value={environment.key}>
            {environment.name}
          </option>
        ))}
      </select>
    </label>
  );
}
