'use client';

import { usePathname, useRouter } from 'next/navigation';

type Group = { installation: { id: string; name: string }; environments: { key: string; name: string }[] };

/** Switches the environment of the current view: the environment key is the first segment under /environments. */
export function EnvironmentSwitcher({ groups }: { groups: Group[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const current = /^\/environments\/([^/]+)/.exec(pathname)?.[1] ?? '';
  return (
    <label className="flex items-center gap-2 text-sm text-slate-300">
      <span>Environment</span>
      <select
        aria-label="Environment"
        value={current}
        onChange={(event) => router.push(`/environments/${event.target.value}/apis`)}
        className="rounded-md border-0 bg-slate-800 py-1.5 pl-2 pr-8 text-sm font-medium text-white ring-1 ring-inset ring-slate-600"
      >
        {!current && <option value="">Choose…</option>}
        {groups.map((group) => (
          <optgroup key={group.installation.id} label={group.installation.name}>
            {group.environments.map((environment) => (
              <option key={environment.key} value={environment.key}>
                {environment.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
