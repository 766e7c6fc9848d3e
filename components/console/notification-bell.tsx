'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';

import { DateTime } from '@/components/ui/date-time';
import { BellButton } from '@/components/console/bell-button';
import { fetchJson } from '@/lib/fetch-json';

type NotificationsJson = {
  unreadCount: number;
  items: {
    id: string;
    title: string;
    body: string | null;
    promotionId: string | null;
    createdAt: string;
    readAt: string | null;
  }[];
};

/**
 * Decisions on the user's requests, with the unread count; opening the list marks them read.
 * Loaded after the page (components/live-widgets.tsx).
 */
export function NotificationBell({ markReadAction }: { markReadAction: () => Promise<void> }) {
  const queryClient = useQueryClient();
  const [isOpen, setIsOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const { data } = useQuery({
    queryKey: ['notifications'],
    queryFn: () => fetchJson<NotificationsJson>('/api/console/notifications'),
    refetchInterval: 30_000,
  });
  const unread = data?.unreadCount ?? 0;

  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) setIsOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [isOpen]);

  const toggle = async () => {
    setIsOpen(!isOpen);
    if (!isOpen && unread > 0) {
      await markReadAction();
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    }
  };

  return (
    <div ref={container} className="relative">
      <BellButton unread={unread} aria-expanded={isOpen} onClick={toggle} />
      {isOpen && (
        <div className="absolute right-0 z-10 mt-2 w-80 rounded-md bg-surface p-1 shadow-lg ring-1 ring-slate-200">
          <ul aria-label="Notifications" className="max-h-96 divide-y divide-slate-100 overflow-auto">
            {data?.items.map((item) => (
              <li key={item.id} className="px-3 py-2 text-sm">
                {item.promotionId ? (
                  <Link
                    href={`/promotions/${item.promotionId}`}
                    onClick={() => setIsOpen(false)}
                    className="font-medium text-slate-900 hover:underline"
                  >
                    {item.title}
                  </Link>
                ) : (
                  <span className="font-medium">{item.title}</span>
                )}
                {item.body && <p className="text-slate-600">“{item.body}”</p>}
                <p className="text-xs text-slate-500">
                  <DateTime value={item.createdAt} />
                </p>
              </li>
            ))}
            {!data?.items.length && (
              <li className="px-3 py-4 text-center text-sm text-slate-500">Nothing new.</li>
            )}
          </ul>
        </div>
      )}
    </div>
  );
}
