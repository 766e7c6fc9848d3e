'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';

import { ThemePicker } from './theme-picker';

const menuLinks = [
  ['/settings/tokens', 'API tokens'],
  ['/settings/webhooks', 'Webhooks'],
  ['/settings/email', 'Email'],
  ['/settings/sessions', 'Sessions'],
  ['/settings/password', 'Change password'],
  ['/api-docs', 'REST API reference'],
] as const;

export function UserMenu({
  name,
  email,
  signOutAction,
}: {
  name: string;
  email: string;
  signOutAction: () => Promise<void>;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !container.current?.contains(event.target as Node)
      ) {
        setIsOpen(false);
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [isOpen]);

  return (
    <div ref={container} className="relative">
      <button
        type="button"
        aria-label="User menu"
        aria-expanded={isOpen}
        aria-haspopup="true"
        onClick={() => setIsOpen((open) => !open)}
        className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-chrome-muted hover:bg-chrome-raised"
      >
        <span
          aria-hidden
          className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-500 text-xs font-semibold text-white"
        >
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden sm:inline">{name}</span>
      </button>
      {isOpen && (
        <div className="absolute right-0 z-10 mt-2 w-56 rounded-md bg-surface p-1 shadow-lg ring-1 ring-slate-200">
          <div className="border-b border-slate-100 px-3 py-2">
            <p className="text-sm font-medium text-slate-900">{name}</p>
            <p className="truncate text-xs text-slate-500">{email}</p>
          </div>
          {menuLinks.map(([href, label]) => (
            <Link
              key={href}
              href={href}
              onClick={() => setIsOpen(false)}
              className="block rounded px-3 py-2 text-sm text-slate-700 hover:bg-slate-100"
            >
              {label}
            </Link>
          ))}
          <ThemePicker />
          <form action={signOutAction}>
            <button
              type="submit"
              className="w-full rounded px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100"
            >
              Sign out
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
