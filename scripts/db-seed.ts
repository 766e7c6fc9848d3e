import { closeDb, databaseDriver, getDb } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { seedDemoData } from '@/lib/demo/seed';

async function main() {
  await migrateDatabase();
  const { createdApis } = await seedDemoData(getDb());
  console.log(
    `Demo data in place (${databaseDriver()}): ${createdApis} APIs created, the rest already there.`,
  );
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(closeDb);
