// Sums the JSON reports of one `npm test` run into the line CI reads: "N passed, N failed".
// A suite whose report is missing (it crashed before writing one) counts as one failure.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.test-results';
let passed = 0;
let failed = 0;
const read = (file) =>
  fs.existsSync(path.join(dir, file)) ? JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) : null;

for (const line of fs.readFileSync(path.join(dir, 'checks'), 'utf8').split('\n').filter(Boolean)) {
  if (line.startsWith('pass ')) passed++;
  else failed++;
}

for (const file of ['vitest-pglite.json', 'vitest-postgres.json', 'vitest-system.json']) {
  const report = read(file);
  const expected = file === 'vitest-pglite.json' || fs.existsSync(path.join(dir, '.postgres-expected'));
  if (!report) {
    if (expected) failed++;
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.success || report.numFailedTests ? 0 : 1);
}

const e2e = read('e2e.json');
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  if (e2e.errors?.length && !e2e.stats.unexpected) failed++;
} else {
  failed++;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
