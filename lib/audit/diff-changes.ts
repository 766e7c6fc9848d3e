import { canonicalJson } from '@/lib/canonical-json';

export type ChangeLine = {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
};

/** Every leaf of a JSON value by its path (`plans[0].rateLimit.limit`); empty objects and arrays are leaves. */
function leaves(value: unknown, path = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.length) {
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, into));
  } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length) {
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, into);
  } else {
    into.set(path || '(value)', value);
  }
  return into;
}

/**
 * What an event changed, leaf by leaf: the readable form of its before/after. Paths keep the order in
 * which they first appear (before's, then after's new ones), so a definition reads top to bottom.
 */
export function diffChanges(before: unknown, after: unknown): ChangeLine[] {
  const was = before === undefined ? new Map<string, unknown>() : leaves(before);
  const now = after === undefined ? new Map<string, unknown>() : leaves(after);
  const lines: ChangeLine[] = [];
  for (const [path, value] of was) {
    if (!now.has(path)) lines.push({ path, kind: 'removed', before: value });
    else if (canonicalJson(now.get(path)) !== canonicalJson(value))
      lines.push({ path, kind: 'changed', before: value, after: now.get(path) });
  }
  for (const [path, value] of now) if (!was.has(path)) lines.push({ path, kind: 'added', after: value });
  return lines;
}
