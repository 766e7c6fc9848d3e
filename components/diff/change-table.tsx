import type { Change } from '@/lib/diff';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 1));

/** One table of changes (from lib/diff): field, before, after; long text line by line. */
export function ChangeTable({
  changes,
  caption,
  headings = { before: 'Before', after: 'After' },
}: {
  changes: Change[];
  caption?: string;
  /** What the two columns hold, e.g. "Theirs (revision 4)" and "Yours". */
  headings?: { before: string; after: string };
}) {
  return (
    <table className="min-w-full divide-y divide-slate-100 text-sm">
      {caption && (
        <caption className="px-4 py-2 text-left text-xs font-semibold text-slate-600">{caption}</caption>
      )}
      <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
        <tr>
          <th scope="col" className="px-4 py-2">
            Field
          </th>
          <th scope="col" className="px-4 py-2">
            {headings.before}
          </th>
          <th scope="col" className="px-4 py-2">
            {headings.after}
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 font-mono text-xs">
        {changes.map((change) => (
          <tr key={`${change.kind}:${change.path}`}>
            <th scope="row" className="px-4 py-2 text-left align-top font-medium text-slate-700">
              {change.path}
              {change.kind === 'reordered' && (
                <span className="block font-sans text-slate-500">order changed</span>
              )}
            </th>
            {change.lines ? (
              <td colSpan={2} className="px-4 py-2">
                <pre className="whitespace-pre-wrap break-all">
                  {change.lines.map((line, index) => (
                    <span
                      key={index}
                      className={
                        line.kind === 'added'
                          ? 'block bg-emerald-50 text-emerald-800'
                          : line.kind === 'removed'
                            ? 'block bg-red-50 text-red-800 line-through'
                            : 'block text-slate-600'
                      }
                    >
                      {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                      {line.text}
                    </span>
                  ))}
                </pre>
              </td>
            ) : (
              <>
                <td className="whitespace-pre-wrap break-all bg-red-50/60 px-4 py-2 align-top text-red-800">
                  {change.kind === 'added' ? '' : <del className="no-underline">{show(change.before)}</del>}
                </td>
                <td className="whitespace-pre-wrap break-all bg-emerald-50/60 px-4 py-2 align-top text-emerald-800">
                  {change.kind === 'removed' ? '' : <ins className="no-underline">{show(change.after)}</ins>}
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
