import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

/**
 * On PostgreSQL: creates this run's template database (migrated and seeded once), which every test
 * file clones, and drops all of this run's databases at the end.
 */
export default async function setup(project: TestProject) {
  const mode = process.env.TEST_DATABASE ?? 'pglite';
  project.provide('testDatabase', mode);
  if (mode !== 'postgres') return;

  const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `stageway_test_${process.pid}_${Date.now().toString(36)}`;
  const template = `${prefix}_template`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);

  // Migrate and seed the template in a child process of its own, with the template as DATABASE_URL.
  const { execFileSync } = await import('node:child_process');
  execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/db-seed.ts'], {
    env: { ...process.env, DATABASE_URL: withDatabase(serverUrl, template), AUTH_SECRET: 'test-secret' },
    stdio: 'inherit',
  });
  project.provide('postgresServerUrl', serverUrl);
  project.provide('postgresTemplate', template);

  return async () => {
    const leftovers = await admin<
      { datname: string }[]
    >`select datname from pg_database where datname like ${prefix + '%'}`;
    for (const { datname } of leftovers)
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: string;
    postgresServerUrl: string;
    postgresTemplate: string;
  }
}
