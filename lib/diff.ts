import { diffLines } from 'diff';
import microdiff from 'microdiff';

import type { ApiDefinition } from '@/db/definition';
import { definitionParts } from '@/db/definition-parts';
import { canonicalJson } from '@/lib/canonical-json';

/**
 * The one diff of the product: what changes between two JSON values, leaf by leaf, for a promotion
 * (the target now against what accepting would make it), a dry run, and an audit event's before and
 * after. Built on microdiff, with two rules for people: items of a list that carry a name (`name`,
 * `key` or `title`, unique in the list) are matched by it, so reordering or inserting one does not
 * read as every later item changing; and long or multi-line text changes come line by line.
 */

export type Change = {
  /** Where, with named items by name: `plans[Partner].rateLimit.limit`, `properties[timeout.ms].value`. */
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'reordered';
  before?: unknown;
  after?: unknown;
  /** A long or multi-line text change, line by line. */
  lines?: { kind: 'added' | 'removed' | 'same'; text: string }[];
};

const identityKeys = ['name', 'key', 'title'] as const;

/** The key that names every item of this list uniquely, if there is one. */
function identityOf(list: unknown[]): (typeof identityKeys)[number] | null {
  if (list.length === 0) return null;
  for (const key of identityKeys) {
    const names = list.map((item) =>
      item && typeof item === 'object' && !Array.isArray(item)
        ? (item as Record<string, unknown>)[key]
        : undefined,
    );
    if (names.every((name) => typeof name === 'string') && new Set(names).size === names.length) return key;
  }
  return null;
}

/** Lists of named items become objects keyed `[name]`, keeping their order aside. */
function normalize(value: unknown, path: string, orders: Map<string, string[]>): unknown {
  if (Array.isArray(value)) {
    const key = identityOf(value);
    if (!key) return value.map((item, index) => normalize(item, `${path}[${index}]`, orders));
    const names = value.map((item) => (item as Record<string, string>)[key]!);
    orders.set(path, names);
    return Object.fromEntries(
      value.map((item, index) => [`[${names[index]}]`, normalize(item, `${path}[${names[index]}]`, orders)]),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        normalize(item, path ? `${path}.${key}` : key, orders),
      ]),
    );
  }
  return value;
}

function pathOf(segments: (string | number)[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (segment.startsWith('[')) text += segment;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}

/** Back from the normalized form: named items as a list again, for showing an added or removed value. */
function denormalize(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length && entries.every(([key]) => key.startsWith('['))) {
      return entries.map(([, item]) => denormalize(item));
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, denormalize(item)]));
  }
  if (Array.isArray(value)) return value.map(denormalize);
  return value;
}

const isLongText = (value: unknown): value is string =>
  typeof value === 'string' && (value.includes('\n') || value.length > 120);

/** Every change from `before` to `after` (undefined: nothing), in the order they read. */
export function diffValues(before: unknown, after: unknown): Change[] {
  const beforeOrders = new Map<string, string[]>();
  const afterOrders = new Map<string, string[]>();
  const was = normalize(before ?? {}, '', beforeOrders);
  const now = normalize(after ?? {}, '', afterOrders);
  if (!isContainer(was) || !isContainer(now)) {
    return canonicalJson(was) === canonicalJson(now)
      ? []
      : [{ path: '(value)', kind: 'changed', before, after }];
  }
  const changes: Change[] = microdiff(was, now).map((difference) => {
    const path = pathOf(difference.path);
    if (difference.type === 'CREATE') return { path, kind: 'added', after: denormalize(difference.value) };
    if (difference.type === 'REMOVE')
      return { path, kind: 'removed', before: denormalize(difference.oldValue) };
    const change: Change = {
      path,
      kind: 'changed',
      before: denormalize(difference.oldValue),
      after: denormalize(difference.value),
    };
    if (isLongText(change.before) || isLongText(change.after)) {
      change.lines = diffLines(String(change.before ?? ''), String(change.after ?? '')).flatMap((part) =>
        part.value
          .replace(/\n$/, '')
          .split('\n')
          .map((text) => ({ kind: part.added ? 'added' : part.removed ? 'removed' : 'same', text }) as const),
      );
    }
    return change;
  });
  // Same named items in another order: one change for the list.
  for (const [path, names] of afterOrders) {
    const previous = beforeOrders.get(path);
    if (!previous) continue;
    const kept = names.filter((name) => previous.includes(name));
    const keptBefore = previous.filter((name) => names.includes(name));
    if (kept.join('\u0000') !== keptBefore.join('\u0000')) {
      changes.push({ path, kind: 'reordered', before: keptBefore, after: kept });
    }
  }
  return changes;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

export type DefinitionDiff = {
  /** The target holds nothing yet: everything is added. */
  action: 'create' | 'update';
  /** Grouped by part; `general` holds name, version, description and context path. */
  parts: { part: string; changes: Change[] }[];
};

const partOrder = ['general', ...definitionParts];

/** What accepting would change in the target: its definition now (null: none) against the result. */
export function diffDefinitions(current: ApiDefinition | null, next: ApiDefinition): DefinitionDiff {
  const groups = new Map<string, Change[]>();
  for (const change of diffValues(current ?? undefined, next)) {
    const head = /^[^.[]+/.exec(change.path)?.[0] ?? '';
    const part = (definitionParts as readonly string[]).includes(head) ? head : 'general';
    groups.set(part, [...(groups.get(part) ?? []), change]);
  }
  return {
    action: current ? 'update' : 'create',
    parts: partOrder.filter((part) => groups.has(part)).map((part) => ({ part, changes: groups.get(part)! })),
  };
}

/** The top-level fields a diff touches (`version`, `plans` …): the short form of a change. */
export function changedFields(diff: DefinitionDiff): string[] {
  return [
    ...new Set(diff.parts.flatMap((part) => part.changes.map((change) => /^[^.[]+/.exec(change.path)![0]))),
  ];
}
