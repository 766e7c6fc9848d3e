import { describe, expect, it } from 'vitest';

import { diffChanges } from './diff-changes';

describe('diffChanges', () => {
  it('lists changed, removed and added leaves by path', () => {
    expect(
      diffChanges(
        {
          revision: 2,
          definition: { version: '1.0.0', plans: [{ name: 'Free', rateLimit: { limit: 10 } }], tags: ['a'] },
        },
        {
          revision: 3,
          definition: {
            version: '1.1.0',
            plans: [{ name: 'Free', rateLimit: { limit: 20 } }],
            description: 'New',
          },
        },
      ),
    ).toEqual([
      { path: 'revision', kind: 'changed', before: 2, after: 3 },
      { path: 'definition.version', kind: 'changed', before: '1.0.0', after: '1.1.0' },
      { path: 'definition.plans[0].rateLimit.limit', kind: 'changed', before: 10, after: 20 },
      { path: 'definition.tags[0]', kind: 'removed', before: 'a' },
      { path: 'definition.description', kind: 'added', after: 'New' },
    ]);
  });

  it('shows a creation as all added and a revocation as all removed', () => {
    expect(diffChanges(undefined, { role: 'USER' })).toEqual([
      { path: 'role', kind: 'added', after: 'USER' },
    ]);
    expect(diffChanges({ role: 'USER', scope: [] }, undefined)).toEqual([
      { path: 'role', kind: 'removed', before: 'USER' },
      { path: 'scope', kind: 'removed', before: [] },
    ]);
    expect(diffChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
