#!/usr/bin/env bash
# `npm test`: everything, in order — lint, types, integration tests on PGlite and on PostgreSQL, a
# production build, and the Playwright suite against it. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
results=.test-results
rm -rf "$results" && mkdir -p "$results"
: > "$results/checks"

check() { # name, command...: a check that counts as one test
  local name=$1; shift
  echo "── $name"
  if "$@"; then echo "pass $name" >> "$results/checks"; else echo "fail $name" >> "$results/checks"; fi
}

check lint npm run --silent lint
check typecheck npm run --silent typecheck

echo "── integration tests on PGlite"
TEST_DATABASE=pglite npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest-pglite.json"

export TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if node -e "const sql=require('postgres')(process.env.TEST_POSTGRES_URL,{max:1,connect_timeout:3});sql\`select 1\`.then(()=>sql.end()).then(()=>process.exit(0),()=>process.exit(1))"; then
  echo "── integration tests on PostgreSQL"
  touch "$results/.postgres-expected"
  TEST_DATABASE=postgres npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest-postgres.json"
elif [ -n "${REQUIRE_POSTGRES:-}" ]; then
  echo "PostgreSQL is not reachable at $TEST_POSTGRES_URL, and REQUIRE_POSTGRES is set."
  echo "fail postgres-reachable" >> "$results/checks"
else
  echo "── PostgreSQL is not reachable at $TEST_POSTGRES_URL: its run is SKIPPED (set TEST_POSTGRES_URL)."
fi

check build npx next build

echo "── system tests: production servers on PostgreSQL — faults (chaos) and two instances behind nginx"
if [ -f "$results/.postgres-expected" ]; then
  npx vitest run -c vitest.system.config.mts --reporter=default --reporter=json --outputFile.json="$results/vitest-system.json"
fi
echo "── e2e (Playwright, production build, fresh embedded database)"
export E2E_DATA_DIR=".data/e2e-$(date +%s)"
npx playwright test
rm -rf "$E2E_DATA_DIR"

node scripts/test-summary.mjs "$results"
