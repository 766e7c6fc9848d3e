/**
 * Issues one API token per email given, through the domain function `npm run token:create` uses, and
 * prints them as one JSON object on the last line: `{ "<email>": "<token>" }`.
 */
import { closeDb } from '@/db';
import { systemActor } from '@/lib/audit/record';
import { issueApiToken } from '@/lib/tokens/issue-api-token';

async function main() {
  const tokens: Record<string, string> = {};
  for (const email of process.argv.slice(2)) {
    const { token } = await issueApiToken(
      { ...systemActor, name: 'system test' },
      { email },
      { name: 'system test' },
    );
    tokens[email] = token;
  }
  console.log(JSON.stringify(tokens));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(closeDb);
