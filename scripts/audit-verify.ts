import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { closeDb, databaseDriver } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { verifyCheckpoints } from '@/lib/audit/checkpoints';
import { verifyAuditTrail } from '@/lib/audit/verify-audit-trail';

/**
 * `npm run audit:verify [-- --checkpoint <file> [--public-key <base64>]]`: seals and verifies the
 * trail of DATABASE_URL (or of the embedded database, which a running server holds: then this
 * refuses, and the Verify button or the REST call does it). With checkpoints kept outside the
 * database, also checks that every checkpointed seal is still there: a trail cut back is BROKEN.
 * Exits 0 when intact, 1 when broken, 2 when it could not check.
 */
async function main() {
  const { values } = parseArgs({
    options: { checkpoint: { type: 'string' }, 'public-key': { type: 'string' } },
  });
  const checkpoints = values.checkpoint ? fs.readFileSync(values.checkpoint, 'utf8') : null;
  await migrateDatabase();
  const started = performance.now();
  const result = await verifyAuditTrail('operator');
  const anchored = checkpoints === null ? null : await verifyCheckpoints(checkpoints, values['public-key']);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const isIntact = result.isIntact && (!anchored || anchored.problems.length === 0);
  console.log(`${isIntact ? 'INTACT' : 'BROKEN'} (${databaseDriver()}, ${seconds} s): ${result.message}`);
  if (result.headHash) console.log(`Head seal hash: ${result.headHash}`);
  if (anchored) {
    console.log(
      `Checkpoints: ${anchored.checked} checked` +
        (anchored.newest
          ? `, the newest at seal ${anchored.newest.sealId} (${anchored.newest.sealedAt})`
          : ''),
    );
    for (const problem of anchored.problems) console.log(`  ${problem}`);
  }
  process.exitCode = isIntact ? 0 : 1;
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  })
  .finally(closeDb);
