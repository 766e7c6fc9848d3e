import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

import { TaskList } from '@/components/live-widgets';
import { TaskFilter } from '@/components/promotions/task-filter';
import { requireActor } from '@/lib/auth/session';
import { listVisibleEnvironments } from '@/lib/environments/queries';
import { decidesAnywhere, mayDecideInTarget } from '@/lib/promotions/rules';

export const metadata: Metadata = { title: 'Tasks' };

export default async function TasksPage({ searchParams }: PageProps<'/tasks'>) {
  const actor = await requireActor();
  if (!decidesAnywhere(actor)) notFound();
  const { environment } = await searchParams;
  const decidable = (await listVisibleEnvironments(actor)).filter(
    (candidate) =>
      mayDecideInTarget(actor, candidate.id, 'create') || mayDecideInTarget(actor, candidate.id, 'update'),
  );
  const current =
    typeof environment === 'string' && decidable.some((candidate) => candidate.key === environment)
      ? environment
      : null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Tasks</h1>
          <p className="text-sm text-slate-600">Promotions waiting for your decision, newest first.</p>
        </div>
        <TaskFilter environments={decidable.map(({ key, name }) => ({ key, name }))} current={current} />
      </div>
      <TaskList environmentKey={current} />
      <section aria-labelledby="waiting-heading" className="space-y-3 pt-4">
        <div>
          <h2 id="waiting-heading" className="text-lg font-semibold">
            Waiting for others
          </h2>
          <p className="text-sm text-slate-600">
            Promotions you approved that still need more approvals under their target&apos;s policy.
          </p>
        </div>
        <TaskList environmentKey={current} waiting />
      </section>
    </div>
  );
}
