import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const demoPassword = 'stageway-demo';
export const demoUsers = ['admin', 'alice', 'bob', 'carol', 'dave', 'grace'] as const;
export type DemoUser = (typeof demoUsers)[number];

/** The storage state a setup test saved after signing this user in. */
export const storageStateOf = (user: DemoUser) => `e2e/.auth/${user}.json`;

export async function signIn(page: Page, email: string, password = demoPassword) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens an API of an environment from the APIs list, by its name. */
export async function openApi(page: Page, environmentKey: string, name: string) {
  await page.goto(`/environments/${environmentKey}/apis`);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toBeVisible();
}

/** The serious and critical accessibility violations on the page as it is now (axe), one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''))
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`,
    );
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  expect(await seriousViolations(page), `on ${page.url()}`).toEqual([]);
}
