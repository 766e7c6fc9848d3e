import { describe, expect, it } from 'vitest';

import { apiDefinitionSchema } from '@/db/definition';

import { changedFields, diffDefinitions, diffValues } from './diff';

const base = apiDefinitionSchema.parse({
  name: 'Orders',
  version: '1.0.0',
  description: 'Orders of the shop.',
  contextPath: '/orders',
  endpoints: [
    { name: 'primary', target: 'https://orders.example.com' },
    { name: 'backup', target: 'https://orders-dr.example.com', backup: true },
  ],
  plans: [
    { name: 'Free', security: 'KEYLESS', status: 'PUBLISHED', rateLimit: { limit: 10, periodSeconds: 60 } },
    { name: 'Partner', security: 'API_KEY', status: 'PUBLISHED' },
  ],
  properties: [
    { key: 'timeout.ms', value: '5000' },
    { key: 'region', value: 'eu' },
  ],
  pages: [{ title: 'Guide', content: 'Line one\nLine two\nLine three' }],
});

const edit = (change: (copy: typeof base) => void) => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('diffDefinitions', () => {
  it.each([
    {
      name: 'nothing changed',
      after: base,
      parts: [],
    },
    {
      name: 'a version bump',
      after: edit((d) => void (d.version = '1.1.0')),
      parts: [['general', [{ path: 'version', kind: 'changed', before: '1.0.0', after: '1.1.0' }]]],
    },
    {
      name: 'a nested plan change, by the plan’s name',
      after: edit((d) => void (d.plans[0]!.rateLimit!.limit = 20)),
      parts: [['plans', [{ path: 'plans[Free].rateLimit.limit', kind: 'changed', before: 10, after: 20 }]]],
    },
    {
      name: 'a plan added in front does not shift the others',
      after: edit((d) => void d.plans.unshift({ ...d.plans[1]!, name: 'Gold' })),
      parts: [
        ['plans', [{ path: 'plans[Gold]', kind: 'added', after: expect.objectContaining({ name: 'Gold' }) }]],
      ],
    },
    {
      name: 'a property removed and one changed',
      after: edit((d) => {
        d.properties = [{ key: 'timeout.ms', value: '8000' }];
      }),
      parts: [
        [
          'properties',
          [
            { path: 'properties[timeout.ms].value', kind: 'changed', before: '5000', after: '8000' },
            { path: 'properties[region]', kind: 'removed', before: { key: 'region', value: 'eu' } },
          ],
        ],
      ],
    },
    {
      name: 'reordered endpoints read as one reorder',
      after: edit((d) => void d.endpoints.reverse()),
      parts: [
        [
          'endpoints',
          [
            {
              path: 'endpoints',
              kind: 'reordered',
              before: ['primary', 'backup'],
              after: ['backup', 'primary'],
            },
          ],
        ],
      ],
    },
    {
      name: 'a page’s text, line by line',
      after: edit((d) => void (d.pages[0]!.content = 'Line one\nLine 2\nLine three')),
      parts: [
        [
          'pages',
          [
            {
              path: 'pages[Guide].content',
              kind: 'changed',
              before: 'Line one\nLine two\nLine three',
              after: 'Line one\nLine 2\nLine three',
              lines: [
                { kind: 'same', text: 'Line one' },
                { kind: 'removed', text: 'Line two' },
                { kind: 'added', text: 'Line 2' },
                { kind: 'same', text: 'Line three' },
              ],
            },
          ],
        ],
      ],
    },
  ])('$name', ({ after, parts }) => {
    const diff = diffDefinitions(base, after);
    expect(diff.action).toBe('update');
    expect(diff.parts.map((part) => [part.part, part.changes])).toEqual(parts);
  });

  it('a create adds everything, grouped by part in definition order', () => {
    const diff = diffDefinitions(null, base);
    expect(diff.action).toBe('create');
    expect(diff.parts.map((part) => part.part)).toEqual([
      'general',
      'endpoints',
      'plans',
      'flows',
      'properties',
      'pages',
      'metadata',
    ]);
    expect(diff.parts.flatMap((part) => part.changes).every((change) => change.kind === 'added')).toBe(true);
    expect(changedFields(diff)).toEqual(expect.arrayContaining(['name', 'version', 'plans', 'endpoints']));
  });
});

describe('diffValues (audit events)', () => {
  it('lists changed, removed and added leaves by path', () => {
    expect(
      diffValues(
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
      { path: 'definition.plans[Free].rateLimit.limit', kind: 'changed', before: 10, after: 20 },
      { path: 'definition.tags', kind: 'removed', before: ['a'] },
      { path: 'definition.description', kind: 'added', after: 'New' },
    ]);
  });

  it('shows a creation as all added and a revocation as all removed', () => {
    expect(diffValues(undefined, { role: 'USER' })).toEqual([{ path: 'role', kind: 'added', after: 'USER' }]);
    expect(diffValues({ role: 'USER', scope: [] }, undefined)).toEqual([
      { path: 'role', kind: 'removed', before: 'USER' },
      { path: 'scope', kind: 'removed', before: [] },
    ]);
    expect(diffValues({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
