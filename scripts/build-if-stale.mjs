// @ts-check
/**
 * `npm start`'s first step: build the app only when there is no production build or a source is newer
 * than it, so that a restart starts at once (a full `next build` takes 20–45 s on a small machine) and
 * a fresh clone, or a pulled change, still gets built before it is served.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const buildId = path.join(root, '.next', 'BUILD_ID');

/** What a build is made from: source folders and the files that configure the build. */
const sources = [
  'app',
  'components',
  'lib',
  'db',
  'public',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.mjs',
  'package-lock.json',
  'tsconfig.json',
  'postcss.config.mjs',
];

/** The newest modification time under a path (files only), or 0 when it does not exist. */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const changedAt = Math.max(...sources.map((source) => newest(path.join(root, source))));
if (builtAt && changedAt <= builtAt) {
  console.info('Stageway: the production build is up to date; starting.');
} else {
  console.info(
    builtAt
      ? 'Stageway: sources changed since the last build; building…'
      : 'Stageway: no production build yet; building…',
  );
  execFileSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' });
}
