import { beforeAll, describe, expect, it, vi } from 'vitest';

import * as definitionRoute from '@/app/api/v1/apis/[id]/definition/route';
import { definitionBodyBytes, maxDefinitionBytes } from '@/lib/apis/definition-size';
import { createTestApi } from '@/test/fixtures';

import { call, tokenFor } from './harness';

vi.hoisted(() => {
  process.env.API_RATE_LIMIT_PER_MINUTE = '1000000';
});

let alice = '';
let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  alice = await tokenFor('alice@example.com');
  api = await createTestApi();
});

/** The API's definition with pages of text adding up to about `bytes` bytes. */
function withPages(bytes: number) {
  const pages = Array.from({ length: Math.ceil(bytes / 90_000) }, (_, index) => ({
    title: `Page ${index}`,
    content: 'x'.repeat(Math.min(90_000, bytes - index * 90_000)),
  }));
  return { ...api.definition, pages };
}

const save = (body: unknown, rawBody?: string) =>
  call(definitionRoute.PUT, {
    method: 'PUT',
    path: `/apis/${api.id}/definition`,
    params: { id: api.id },
    token: alice,
    ...(rawBody === undefined ? { body } : { rawBody, headers: { 'content-type': 'application/json' } }),
  });

describe('PUT /apis/{id}/definition and the definition size limit', () => {
  it('saves a definition over the general 64 KiB body limit but under the definition limit', async () => {
    const saved = await save({ definition: withPages(300_000), message: 'Long pages' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ apiId: api.id, message: 'Long pages' });
  });

  it('refuses a definition over the limit with 400 naming the limit, and a body past it with 413', async () => {
    const over = await save({ definition: withPages(maxDefinitionBytes + 50_000) });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({
      errors: { _: [expect.stringContaining('the limit is 1 MB (1,048,576 bytes of JSON)')] },
    });

    const huge = JSON.stringify({ definition: withPages(definitionBodyBytes + 100_000) });
    const tooLarge = await save(undefined, huge);
    expect(tooLarge.status).toBe(413);
  });
});
