import 'server-only';

import { AsyncLocalStorage } from 'node:async_hooks';

import { PgBoss } from 'pg-boss';

import { getDb, type Tx } from '@/db';
import { sqlExecutor, type SqlExecutor } from '@/db/raw-sql';
import { databaseUrl } from '@/db/config';

/**
 * Background jobs on pg-boss, in the application's own PostgreSQL: with DATABASE_URL, pg-boss keeps
 * its own connection pool; on the embedded database it runs over the same PGlite instance. Jobs are
 * enqueued inside the transaction that creates them, so a job exists exactly when its cause does,
 * and a queued job survives a restart.
 */

export const queues = {
  applyPromotion: 'promotion-apply',
  applyPromotionFailed: 'promotion-apply-failed',
  expirePromotions: 'promotion-expire',
  deliverWebhook: 'webhook-deliver',
  sendEmail: 'email-send',
} as const;

const globalForBoss = globalThis as unknown as { stagewayBoss?: Promise<PgBoss> };

// PGlite is one connection: while a transaction holds it, pg-boss's own queries during an enqueue
// (it reads its queue settings) would wait for that very transaction. They run inside it instead.
const enqueueingIn = new AsyncLocalStorage<SqlExecutor>();

function embeddedExecutor(): SqlExecutor {
  const outside = sqlExecutor(getDb());
  return { executeSql: (text, values) => (enqueueingIn.getStore() ?? outside).executeSql(text, values) };
}

/**
 * An apply takes well under a second (it waits at most 15 s for a lock); one still `active` after 20 s was held by a process that
 * died (killed mid-apply) and is retried. Retrying is safe: the job locks its promotion and skips one
 * that is no longer `applying`. Supervision looks for such jobs every few seconds, so a promotion left
 * mid-apply by a crash is applied within about a minute, not after pg-boss's default 15.
 */
const applyQueueOptions = {
  expireInSeconds: 20,
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  deadLetter: queues.applyPromotionFailed,
};

/**
 * Webhook and email deliveries: a job still active after a minute was held by a process that died,
 * and runs again. A delivery's own retries (with backoff) are scheduled by the delivery, not by
 * pg-boss: these retries only cover crashes.
 */
const deliveryQueueOptions = { expireInSeconds: 60, retryLimit: 10, retryDelay: 5, retryBackoff: true };

async function startBoss(): Promise<PgBoss> {
  const supervision = { superviseIntervalSeconds: 5, monitorIntervalSeconds: 5 };
  const boss = databaseUrl
    ? new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4, ...supervision })
    : new PgBoss({ db: embeddedExecutor() as never, schema: 'pgboss', ...supervision });
  boss.on('error', (error) => console.error('job queue error', error));
  await boss.start();
  await boss.createQueue(queues.applyPromotionFailed);
  await boss.createQueue(queues.expirePromotions);
  await boss.createQueue(queues.deliverWebhook, deliveryQueueOptions);
  await boss.updateQueue(queues.deliverWebhook, deliveryQueueOptions);
  await boss.createQueue(queues.sendEmail, deliveryQueueOptions);
  await boss.updateQueue(queues.sendEmail, deliveryQueueOptions);
  // Created once; updated on every start so a database made by an older version gets today's options.
  await boss.createQueue(queues.applyPromotion, applyQueueOptions);
  await boss.updateQueue(queues.applyPromotion, applyQueueOptions);
  return boss;
}

/** The process's queue, started on first use (creating pg-boss's schema if needed). */
export function getQueue(): Promise<PgBoss> {
  globalForBoss.stagewayBoss ??= startBoss();
  return globalForBoss.stagewayBoss;
}

/** Enqueues a job in the caller's transaction: it is committed or rolled back with it. */
export async function enqueue(
  tx: Tx,
  queue: string,
  data: object,
  options: { singletonKey?: string; startAfter?: number } = {},
): Promise<void> {
  const boss = await getQueue();
  const inTransaction = sqlExecutor(tx);
  await enqueueingIn.run(inTransaction, () =>
    boss.send(queue, data, { ...options, db: inTransaction as never }),
  );
}

export async function stopQueue(): Promise<void> {
  const current = globalForBoss.stagewayBoss;
  globalForBoss.stagewayBoss = undefined;
  if (current) await (await current).stop({ graceful: false });
}
