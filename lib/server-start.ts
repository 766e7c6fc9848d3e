import 'server-only';

import { databaseDriver, getDb } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { isEmpty, seedDemoData } from '@/lib/demo/seed';
import { authSecret } from '@/lib/auth/secret';
import { startAuditSealer } from '@/lib/audit/start-audit-sealer';
import { isEmbeddedDatabase } from '@/db/config';
import { env } from '@/lib/env';
import { startPromotionWorkers } from '@/lib/promotions/workers';

export async function startServer(): Promise<void> {
  try {
    authSecret();
    await migrateDatabase();
    if (isEmbeddedDatabase && (await isEmpty(getDb()))) {
      const { createdApis } = await seedDemoData(getDb());
      console.info(
        `Stageway: first start, demo data created (${createdApis} APIs). Sign in as admin@example.com / stageway-demo.`,
      );
    }
    if (env.STAGEWAY_WORKERS === 'on') await startPromotionWorkers();
    console.info(`Stageway: database ready (${databaseDriver()}), jobs ${env.STAGEWAY_WORKERS}.`);
    startAuditSealer(env.AUDIT_SEAL_INTERVAL_SECONDS);
  } catch (error) {
    console.error(`\nStageway cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
