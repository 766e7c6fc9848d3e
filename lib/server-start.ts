import 'server-only';

import { databaseDriver, getDb } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { isEmpty, seedDemoData } from '@/lib/demo/seed';
import { authSecret } from '@/lib/auth/secret';
import { startAuditSealer } from '@/lib/audit/start-audit-sealer';
import { isEmbeddedDatabase } from '@/db/config';
import { env } from '@/lib/env';
import { isDatabaseUnavailable } from '@/lib/errors';
import { startOutboxWorkers } from '@/lib/outbox/workers';
import { startPromotionWorkers } from '@/lib/promotions/workers';

/**
 * postgres.js can throw outside any request when a connection is killed mid-write (a TypeError reading
 * 'write' of a closed socket): the query it served already failed with a connection error (a 503), so
 * the process logs it and serves on. Anything else still crashes the process, as it should.
 */
function surviveLostConnections() {
  process.on('uncaughtException', (error) => {
    if (isDatabaseUnavailable(error) || /reading 'write'/.test(error?.message ?? '')) {
      console.error('Stageway: a database connection was lost; serving on.', error);
      return;
    }
    console.error(error);
    process.exit(1);
  });
}

export async function startServer(): Promise<void> {
  surviveLostConnections();
  try {
    authSecret();
    await migrateDatabase();
    if (isEmbeddedDatabase && (await isEmpty(getDb()))) {
      const { createdApis } = await seedDemoData(getDb());
      console.info(
        `Stageway: first start, demo data created (${createdApis} APIs). Sign in as admin@example.com / stageway-demo.`,
      );
    }
    if (env.STAGEWAY_WORKERS === 'on') {
      await startPromotionWorkers();
      await startOutboxWorkers();
    }
    console.info(`Stageway: database ready (${databaseDriver()}), jobs ${env.STAGEWAY_WORKERS}.`);
    startAuditSealer(env.AUDIT_SEAL_INTERVAL_SECONDS);
  } catch (error) {
    console.error(`\nStageway cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
