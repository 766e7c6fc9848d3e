import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';

import { demoPassword } from '../fixtures';

/**
 * A queued apply survives a server restart: a server that only enqueues (STAGEWAY_WORKERS=off) takes an
 * async accept and is stopped; the next server on the same data finds the job and completes it.
 */
const port = Number(process.env.E2E_PORT ?? 3210) + 31;
const origin = `http://127.0.0.1:${port}`;

function startServer(dataDir: string, workers: 'on' | 'off'): ChildProcess {
  return spawn('npx', ['next', 'start', '-p', String(port)], {
    env: {
      ...process.env,
      STAGEWAY_DATA_DIR: dataDir,
      STAGEWAY_WORKERS: workers,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: 'ignore',
    detached: true,
  });
}

async function stopServer(server: ChildProcess) {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  process.kill(-server.pid!, 'SIGTERM');
  await exited;
}

async function signedIn(email: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: origin, extraHTTPHeaders: { origin } });
  const { csrfToken } = (await (await context.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await context.post('/api/auth/callback/credentials', {
    form: { csrfToken, email, password: demoPassword },
    maxRedirects: 0,
  });
  expect(response.status()).toBeLessThan(400);
  return context;
}

test('an async accept queued before a restart is applied by the next server', async () => {
  test.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stageway-restart-'));
  let server = startServer(dataDir, 'off');
  try {
    await expect
      .poll(async () => (await fetch(`${origin}/login`).catch(() => null))?.status, { timeout: 60_000 })
      .toBe(200);
    const alice = await signedIn('alice@example.com');
    const bob = await signedIn('bob@example.com');

    const apis = (await (await alice.get('/api/v1/environments/dev/apis')).json()) as {
      items: { id: string; name: string }[];
    };
    const api = apis.items.find((item) => item.name === 'Order Tracking')!;
    const requested = await alice.post(`/api/v1/apis/${api.id}/promotions`, { data: { target: 'qa' } });
    expect(requested.status()).toBe(201);
    const { id } = (await requested.json()) as { id: string };

    const accepted = await bob.post(`/api/v1/promotions/${id}/accept?async=true`, { data: {} });
    expect(accepted.status()).toBe(202);
    expect(accepted.headers()['location']).toBe(`/api/v1/promotions/${id}`);
    // No worker runs here: it stays applying.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(((await (await bob.get(`/api/v1/promotions/${id}`)).json()) as { status: string }).status).toBe(
      'applying',
    );

    await stopServer(server);
    server = startServer(dataDir, 'on');
    await expect
      .poll(async () => (await fetch(`${origin}/login`).catch(() => null))?.status, { timeout: 60_000 })
      .toBe(200);

    await expect
      .poll(
        async () => ((await (await bob.get(`/api/v1/promotions/${id}`)).json()) as { status: string }).status,
        {
          timeout: 60_000,
        },
      )
      .toBe('accepted');
    const done = (await (await bob.get(`/api/v1/promotions/${id}`)).json()) as { result: { action: string } };
    expect(done.result.action).toBe('created');
  } finally {
    await stopServer(server).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
