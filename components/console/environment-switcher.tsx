'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect } from 'react';

import { environmentCookie } from './environment-cookie';

type Group = { installation: { id: string; name: string }; environments: { key: string; name: string }[] };

/**
 * Switches the environment of the current view: the environment key is the first segment under
 * /environments. Elsewhere it shows the environment last worked in.
 */
export function EnvironmentSwitcher({ groups, remembered }: { groups: Group[]; remembered: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const inPath = /^\/environments\/([^/]+)/.exec(pathname)?.[1];
  const isKnown = (key: string | undefined) =>
    groups.some((group) => group.environments.some((environment) => environment.key === key));
  const current = isKnown(inPath) ? inPath! : remembered;

  useEffect(() => {
    if (inPath && isKnown(inPath))
      document.cookie = `${environmentCookie}=${encodeURIComponent(inPath)}; path=/; max-age=31536000; samesite=lax`;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inPath]);

  return (
    <label className="flex items-center gap-2 text-sm text-chrome-muted">
      <span>Environment</span>
      <select
        aria-label="Environment"
        value={current}
        onChange={(event) => router.push(`/environments/${event.target.value}/apis`)}
        className="rounded-md border-0 bg-chrome-raised py-1.5 pl-2 pr-8 text-sm font-medium text-white ring-1 ring-inset ring-chrome-line"
      >
        {!current && <option value="">No environment</option>}
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
