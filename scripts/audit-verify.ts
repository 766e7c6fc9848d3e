import { closeDb, databaseDriver } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { verifyAuditTrail } from '@/lib/audit/verify-audit-trail';

/**
 * `npm run audit:verify`: seals and verifies the trail of DATABASE_URL (or of the embedded database,
 * which a running server holds: then this refuses, and the Verify button or the REST call does it).
 * Exits 0 when intact, 1 when broken, 2 when it could not check.
 */
async function main() {
  await migrateDatabase();
  const started = performance.now();
  const result = await verifyAuditTrail('operator');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${result.isIntact ? 'INTACT' : 'BROKEN'} (${databaseDriver()}, ${seconds} s): ${result.message}`,
  );
  if (result.headHash) console.log(`Head seal hash: ${result.headHash}`);
  process.exitCode = result.isIntact ? 0 : 1;
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  })
  .finally(closeDb);
