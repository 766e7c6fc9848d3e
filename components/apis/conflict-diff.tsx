'use client';

import { ChangeTable } from '@/components/diff/change-table';
import { diffValues } from '@/lib/diff';

/**
 * After a save conflict: what saving yours on top of their revision would change, field by field
 * (their version beside yours). Loaded only when a conflict happens (lib/diff is not small).
 */
export default function ConflictDiff(props: { theirs: unknown; yours: unknown; theirRevision: number }) {
  const changes = diffValues(props.theirs, props.yours);
  if (changes.length === 0) {
    return <p className="px-4 py-3 text-sm text-slate-600">Your version is the same as theirs.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <ChangeTable
        changes={changes}
        caption={`${changes.length} difference${changes.length === 1 ? '' : 's'} between their revision ${props.theirRevision} and yours`}
        headings={{ before: `Theirs (revision ${props.theirRevision})`, after: 'Yours' }}
      />
    </div>
  );
}
