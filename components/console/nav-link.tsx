'use client';

import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

import { cn } from '@/lib/utils';

/** While the page a link leads to loads, the link says so at once. */
function PendingMark() {
  const { pending } = useLinkStatus();
  return (
    <span
      aria-hidden
      className={cn(
        'ml-1.5 inline-block size-1.5 rounded-full bg-current align-middle transition-opacity',
        pending ? 'animate-pulse opacity-100' : 'opacity-0',
      )}
    />
  );
}

/** `match` is a path prefix: the link is current for every page under it. */
export function NavLink({ href, match, children }: { href: string; match: string; children: ReactNode }) {
  const isActive = usePathname().startsWith(match);
  return (
    <Link
      href={href}
      aria-current={isActive ? 'page' : undefined}
      className={cn(
        'rounded-md px-3 py-1.5 text-sm font-medium',
        isActive
          ? 'bg-chrome-raised text-white'
          : 'text-chrome-muted hover:bg-chrome-raised hover:text-white',
      )}
    >
      {children}
      <PendingMark />
    </Link>
  );
}
