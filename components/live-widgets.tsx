'use client';

import { BellButton } from '@/components/console/bell-button';
import { NavLink } from '@/components/console/nav-link';
import { live } from '@/components/live';

// The console's live widgets, each loaded after the page with react-query (see live()); until then
// the header shows the bell and "Tasks" without their counts, and the inbox says it is loading.

export const NotificationBell = live(
  () => import('@/components/console/notification-bell').then((module) => module.NotificationBell),
  () => <BellButton unread={0} disabled />,
);

export const TasksNavLink = live(
  () => import('@/components/console/tasks-nav-link').then((module) => module.TasksNavLink),
  () => (
    <NavLink href="/tasks" match="/tasks">
      Tasks
    </NavLink>
  ),
);

export const TaskList = live(
  () => import('@/components/promotions/task-list').then((module) => module.TaskList),
  () => <p className="text-sm text-slate-500">Loading tasks…</p>,
);
