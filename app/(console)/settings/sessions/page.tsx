import type { Metadata } from 'next';

import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { requireActor } from '@/lib/auth/session';
import { listOwnSessions } from '@/lib/auth/sessions';

import { endSessionAction, signOutEverywhereElseAction } from './actions';

export const metadata: Metadata = { title: 'Sessions' };

/** A short name for a browser or client from its user agent. */
function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Chrome\//.test(userAgent)
      ? 'Chrome'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[/ ]/)[0] || 'Unknown client';
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Mac OS X/.test(userAgent)
      ? 'macOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return system ? `${browser} on ${system}` : browser;
}

export default async function SessionsPage() {
  const actor = await requireActor();
  const sessions = await listOwnSessions(actor);
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Sessions</h1>
        <p className="text-sm text-slate-600">
          Where you are signed in. Ending a session signs that browser out at its next click; changing your
          password ends all but this one.
        </p>
      </div>
      <ul
        aria-label="Active sessions"
        className="divide-y divide-slate-100 rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
      >
        {sessions.map((session) => (
          <li
            key={session.id}
            className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm"
          >
            <div>
              <p className="font-medium">
                {device(session.userAgent)}
                {session.isCurrent && <span className="ml-2 text-xs text-emerald-700">this session</span>}
              </p>
              <p className="text-slate-600">
                {session.ip ?? 'unknown address'} · signed in <DateTime value={session.createdAt} /> · last
                seen <DateTime value={session.lastSeenAt} />
              </p>
            </div>
            <form action={endSessionAction}>
              <input type="hidden" name="sessionId" value={session.id} />
              <Button type="submit" variant="secondary">
                {session.isCurrent ? 'Sign out' : 'End'}
              </Button>
            </form>
          </li>
        ))}
      </ul>
      {sessions.length > 1 && (
        <form action={signOutEverywhereElseAction}>
          <Button type="submit" variant="danger">
            Sign out everywhere else
          </Button>
        </form>
      )}
    </div>
  );
}
