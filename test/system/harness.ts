/**
 * System tests: real production server processes (`node server.mjs`, the build in `.next`) on a
 * PostgreSQL database of their own, driven over HTTP. Each helper owns what it starts and stops it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import postgres from 'postgres';

import { withDatabase } from '../global-setup';

export const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const demoPassword = 'stageway-demo';
const root = path.resolve(import.meta.dirname, '../..');
const basePort = Number(process.env.SYSTEM_TEST_PORT ?? 3400);
let nextPort = basePort + (process.pid % 40) * 10;
export const freePort = () => nextPort++;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A migrated database with the demo data; `drop()` removes it (ending whatever still uses it). */
export async function createDatabase(): Promise<{
  url: string;
  sql: postgres.Sql;
  drop: () => Promise<void>;
}> {
  const name = `stageway_system_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/db-seed.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, AUTH_SECRET: 'system-test' },
    stdio: 'pipe',
  });
  // Named, so a test that kills the app's connections can spare the test's own.
  const sql = postgres(url, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: 'stageway-test' },
  });
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 1 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** What every instance of one deployment shares: the database and the secrets, nothing else. */
export function deploymentEnv(databaseUrl: string, extra: Record<string, string> = {}) {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    AUDIT_SEAL_INTERVAL_SECONDS: '1',
    ...extra,
  };
}

export type Server = {
  port: number;
  origin: string;
  process: ChildProcess;
  log: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
};

/** One production server process with a data folder of its own; resolves once it is ready. */
export async function startServer(env: Record<string, string>, port = freePort()): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stageway-instance-'));
  const logFile = path.join(dataDir, 'server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['server.mjs', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      STAGEWAY_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: Server = {
    port,
    origin: `http://127.0.0.1:${port}`,
    process: child,
    log: () => fs.readFileSync(logFile, 'utf8'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      fs.closeSync(out);
    },
  };
  await waitUntil(
    async () => (await fetch(`${server.origin}/api/health?ready=1`)).status === 200,
    90_000,
    () => (child.exitCode !== null ? `the server exited:\n${server.log()}` : undefined),
  );
  return server;
}

/** nginx in front of the given ports (round robin), on a port of its own. */
export async function startNginx(ports: number[]): Promise<{ origin: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stageway-nginx-'));
  const port = freePort();
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream stageway { ${ports.map((p) => `server 127.0.0.1:${p} max_fails=0;`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://stageway;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream off;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => (await fetch(`${origin}/api/health`)).status === 200,
    10_000,
    () => (child.exitCode !== null ? `nginx exited: ${stderr}` : undefined),
  );
  return {
    origin,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** nginx from Debian's package, where it is installed (`.ci/run` installs it). */
export function hasNginx(): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  fatal: () => string | undefined = () => undefined,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const reason = fatal();
    if (reason) throw new Error(reason);
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`Not so within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** API tokens issued through the domain (as `npm run token:create` does), one per email, in one process. */
export function issueTokens(databaseUrl: string, emails: string[]): Record<string, string> {
  const output = execFileSync(
    'npx',
    ['tsx', '--conditions=react-server', 'test/system/issue-tokens.ts', ...emails],
    { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: 'system-test' } },
  ).toString();
  return JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, string>;
}

/** A REST client with a token, against one origin. */
export function client(origin: string, token: string) {
  return async (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${origin}/api/v1${pathname}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    return {
      status: response.status,
      json: json as Record<string, unknown>,
      text,
      headers: response.headers,
    };
  };
}

/** Signs in with the demo password through next-auth's credentials callback; returns the session cookie. */
export async function signIn(origin: string, email: string): Promise<string> {
  const csrf = await fetch(`${origin}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = cookiesOf(csrf).join('; ');
  const response = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, origin },
    body: new URLSearchParams({ csrfToken, email, password: demoPassword }),
  });
  const session = cookiesOf(response).find((cookie) => cookie.includes('session-token='));
  if (!session) throw new Error(`Sign-in as ${email} failed: ${response.status}`);
  return session;
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!);
}
