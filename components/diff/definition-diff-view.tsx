import type { DefinitionDiff } from '@/lib/diff';

import { ChangeTable } from './change-table';

const partNames: Record<string, string> = {
  general: 'Name, version, description, context path',
  endpoints: 'Endpoints',
  plans: 'Plans',
  flows: 'Flows',
  properties: 'Properties',
  pages: 'Pages',
  metadata: 'Metadata',
};

/** What accepting changes in the target, part by part. */
export function DefinitionDiffView({
  diff,
  targetName,
  noChanges,
}: {
  diff: DefinitionDiff;
  targetName: string;
  /** What to say when nothing differs (default: the promotion's wording). */
  noChanges?: string;
}) {
  if (diff.parts.length === 0) {
    return (
      <p className="rounded-xl bg-surface p-4 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
        {noChanges ?? `No changes: ${targetName} already holds exactly what this promotion brings.`}
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {diff.parts.map((part) => (
        <section
          key={part.part}
          aria-label={`Changes to ${partNames[part.part] ?? part.part}`}
          className="overflow-hidden rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
        >
          <h3 className="border-b border-slate-100 px-4 py-2 text-sm font-semibold">
            {partNames[part.part] ?? part.part}{' '}
            <span className="font-normal text-slate-500">
              ({part.changes.length} change{part.changes.length === 1 ? '' : 's'})
            </span>
          </h3>
          <ChangeTable changes={part.changes} />
        </section>
      ))}
    </div>
  );
}
