import fs from 'node:fs';
import path from 'node:path';

import { defineConfig, devices } from '@playwright/test';

// Evaluated again in every worker: values chosen here are kept in the environment so all agree.
process.env.E2E_PORT ??= '3210';
process.env.E2E_DATA_DIR ??= path.join('.data', `e2e-${Date.now()}`);
const port = Number(process.env.E2E_PORT);
export const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium where it is installed (no browser download needed); Playwright's own elsewhere.
const systemChromium = '/usr/bin/chromium';
const launchOptions = fs.existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    }
  : {};

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  fullyParallel: true,
  // Whole user stories on 2 cores, next to a production server: give each test room.
  timeout: 90_000,
  reporter: [['list'], ['json', { outputFile: '.test-results/e2e.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions },
      dependencies: ['setup'],
      testIgnore: /(admin|dialects|a11y)\//,
    },
    // Administration and the dialects change what every other spec sees (environments, lifecycle
    // order, allowed sources, QA's policy for a moment): they run once the others are done, with the
    // accessibility sweep, which wants the promotions the others made.
    {
      name: 'admin',
      testMatch: /(admin|dialects|a11y)\/.*\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], launchOptions },
      dependencies: ['chromium'],
    },
  ],
  webServer: {
    // A production build on a fresh embedded database: the server seeds the demo data on first start.
    command: `node server.mjs -p ${port} -H 127.0.0.1`,
    url: `${baseURL}/login`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    env: {
      STAGEWAY_DATA_DIR: process.env.E2E_DATA_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      // The tests stand in for a proxy on loopback: they set X-Forwarded-For to act as distinct clients.
      TRUSTED_PROXIES: 'loopback',
    },
  },
});
