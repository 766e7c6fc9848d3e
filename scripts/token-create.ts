import { parseArgs } from 'node:util';

import { closeDb, databaseDriver } from '@/db';
import { migrateDatabase } from '@/db/migrate';
import { systemActor } from '@/lib/audit/record';
import { isAppError } from '@/lib/errors';
import { issueApiToken } from '@/lib/tokens/issue-api-token';

// Field errors name the domain's fields; the user typed these options.
const optionOf: Record<string, string> = { name: '--name', expiresAt: '--expires-days' };

const usage = 'Usage: npm run token:create -- --email <user> --name <name> [--expires-days N]';

/**
 * Bootstraps CI: issues an API token for a user and prints it on the last line (`| tail -1`). It acts
 * as the system on the user's behalf, through the same domain code as the console.
 */
async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } },
  });
  if (!values.email || !values.name) throw new Error(usage);
  const days = values['expires-days'];
  if (days !== undefined && !/^[1-9]\d*$/.test(days)) {
    throw new Error(`--expires-days must be a whole number of days (1 to 365), not "${days}".\n${usage}`);
  }

  await migrateDatabase();
  const { token, apiToken } = await issueApiToken(
    { ...systemActor, name: 'Stageway (npm run token:create)' },
    { email: values.email },
    {
      name: values.name,
      expiresAt: days ? new Date(Date.now() + Number(days) * 86_400_000) : undefined,
    },
  );
  const expiry = apiToken.expiresAt ? `expires ${apiToken.expiresAt.toISOString()}` : 'no expiry';
  console.log(`Token "${apiToken.name}" for ${values.email} (${databaseDriver()}), ${expiry}.`);
  console.log('It is shown this once; only its hash is stored.');
  console.log(token);
}

main()
  .catch((error) => {
    if (isAppError(error) && error.fieldErrors) {
      const fields = Object.entries(error.fieldErrors).map(
        ([field, messages]) => `  ${optionOf[field] ?? field}: ${messages.join(', ')}`,
      );
      console.error([error.message, ...fields].join('\n'));
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exitCode = 1;
  })
  .finally(closeDb);
