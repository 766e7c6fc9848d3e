import { describe, expect, it } from 'vitest';

import nextConfig from '@/next.config.mjs';

import { definitionBodyBytes, definitionBytes, maxDefinitionBytes } from './definition-size';
import { sizeLimitedDefinitionSchema } from './update-api-definition';

const definition = {
  name: 'Big',
  version: '1.0.0',
  contextPath: '/big',
  endpoints: [{ name: 'default', target: 'https://big.example.com' }],
};

/** A definition of about `bytes` bytes of JSON: pages of text (each at most 100,000 characters). */
function definitionOf(bytes: number) {
  const pages = Array.from({ length: Math.ceil(bytes / 90_000) }, (_, index) => ({
    title: `Page ${index}`,
    content: 'x'.repeat(Math.min(90_000, bytes - index * 90_000)),
  }));
  return { ...definition, pages };
}

function megabytes(limit: string): number {
  const match = /^(\d+)mb$/.exec(limit);
  if (!match) throw new Error(`Unexpected bodySizeLimit ${limit}`);
  return Number(match[1]) * 1024 * 1024;
}

describe('the definition size limit', () => {
  it('refuses a definition over the limit with a message that names the limit, and takes one under it', () => {
    const over = sizeLimitedDefinitionSchema.safeParse(definitionOf(maxDefinitionBytes + 100_000));
    expect(over.success).toBe(false);
    expect(over.error?.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^The definition is 1\.\d MB: the limit is 1 MB \(1,048,576 bytes of JSON\)\.$/),
    ]);

    const under = definitionOf(maxDefinitionBytes - 200_000);
    expect(definitionBytes(under)).toBeLessThan(maxDefinitionBytes);
    expect(sizeLimitedDefinitionSchema.safeParse(under).success).toBe(true);
  });

  it('the server action body limit and REST definition bodies leave room above it', () => {
    const actionLimit = megabytes(String(nextConfig.experimental?.serverActions?.bodySizeLimit));
    expect(actionLimit).toBeGreaterThan(definitionBodyBytes);
    expect(definitionBodyBytes).toBeGreaterThan(maxDefinitionBytes);
  });
});
