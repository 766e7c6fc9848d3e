import { closeDb, databaseDriver } from '@/db';
import { migrateDatabase } from '@/db/migrate';

async function main() {
  await migrateDatabase();
  console.log(`Migrations applied (${databaseDriver()}).`);
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(closeDb);
