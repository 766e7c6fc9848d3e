import { execFileSync } from 'node:child_process';

import type { Browser } from '@playwright/test';

import { storageStateOf, type DemoUser } from '../fixtures';

/** A fresh API token of a demo user, made in the console as a user would. */
export async function tokenOf(browser: Browser, user: DemoUser): Promise<string> {
  const page = await (await browser.newContext({ storageState: storageStateOf(user) })).newPage();
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(`dialect-${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
  await page.context().close();
  return token;
}

/** Runs curl as a shell user would, with these arguments; answers the status and the parsed body. */
export function curl(args: string[]): { status: number; body: unknown } {
  const output = execFileSync(
    'curl',
    ['--silent', '--show-error', '--write-out', '\n%{http_code}', ...args],
    {
      encoding: 'utf8',
    },
  );
  const newline = output.lastIndexOf('\n');
  const text = output.slice(0, newline);
  return { status: Number(output.slice(newline + 1)), body: text ? JSON.parse(text) : null };
}
