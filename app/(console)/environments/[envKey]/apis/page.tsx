import type { Metadata } from 'next';
import Link from 'next/link';

import { LifecycleBadge } from '@/components/apis/lifecycle-badge';
import { buttonClass } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { SelectField, TextField } from '@/components/ui/field';
import { apiLifecycleState } from '@/db/schema';
import { apiListFilters, listApis } from '@/lib/apis/queries';
import { requireActor } from '@/lib/auth/session';
import { toFieldErrors } from '@/lib/errors';
import { orNotFound } from '@/lib/page-data';

export const metadata: Metadata = { title: 'APIs' };

export default async function ApisPage({ params, searchParams }: PageProps<'/environments/[envKey]/apis'>) {
  const { envKey } = await params;
  const query = await searchParams;
  const one = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const values = { q: one('q'), state: one('state'), sort: one('sort'), cursor: one('after') };
  // What the URL asks for; a value the list cannot take is named on its field and left out.
  const parsed = apiListFilters.safeParse(values);
  const errors = parsed.success ? {} : toFieldErrors(parsed.error);
  const filters = apiListFilters.parse(
    Object.fromEntries(Object.entries(values).filter(([name]) => !errors[name])),
  );
  const actor = await requireActor();
  const page = await orNotFound(listApis(actor, envKey, filters));
  const base = `/environments/${envKey}/apis`;
  const withParams = (extra: Record<string, string>) => {
    const next = new URLSearchParams();
    if (filters.q) next.set('q', filters.q);
    if (filters.state) next.set('state', filters.state);
    if (filters.sort !== 'name') next.set('sort', filters.sort);
    for (const [key, value] of Object.entries(extra)) next.set(key, value);
    const text = next.toString();
    return text ? `${base}?${text}` : base;
  };
  const isFiltered = Boolean(filters.q || filters.state);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">{page.environment.installation.name}</p>
          <h1 className="text-2xl font-bold tracking-tight">APIs in {page.environment.name}</h1>
        </div>
        <Link
          href={`/environments/${envKey}/policy`}
          className="text-sm font-semibold text-indigo-700 hover:underline"
        >
          Approval policy
        </Link>
      </div>
      <form
        method="get"
        action={base}
        role="search"
        aria-label="Find APIs"
        className="grid gap-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end"
      >
        <TextField
          label="Search"
          name="q"
          type="search"
          placeholder="Name or context path"
          defaultValue={values.q ?? ''}
          errors={errors.q}
        />
        <SelectField label="State" name="state" defaultValue={values.state ?? ''} errors={errors.state}>
          <option value="">Any state</option>
          {apiLifecycleState.enumValues.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </SelectField>
        <SelectField label="Sort by" name="sort" defaultValue={filters.sort} errors={errors.sort}>
          <option value="name">Name</option>
          <option value="changed">Last change</option>
        </SelectField>
        <button type="submit" className={buttonClass('primary')}>
          Find
        </button>
      </form>
      <div className="overflow-hidden rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                Name
              </th>
              <th scope="col" className="px-4 py-3">
                Version
              </th>
              <th scope="col" className="px-4 py-3">
                Context path
              </th>
              <th scope="col" className="px-4 py-3">
                State
              </th>
              <th scope="col" className="px-4 py-3">
                Last change
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((api) => (
              <tr key={api.id} className="hover:bg-slate-50">
                <td className="px-4 py-3 font-medium">
                  <Link
                    href={`/environments/${envKey}/apis/${api.id}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {api.name}
                  </Link>
                </td>
                <td className="px-4 py-3 text-slate-700">{api.version}</td>
                <td className="px-4 py-3 font-mono text-slate-700">{api.contextPath}</td>
                <td className="px-4 py-3">
                  <LifecycleBadge state={api.lifecycleState} />
                </td>
                <td className="px-4 py-3 text-slate-600">
                  <DateTime value={api.updatedAt} />
                  {api.updatedByName && <span className="text-slate-500"> · {api.updatedByName}</span>}
                  <span className="text-slate-500"> · rev {api.currentRevision}</span>
                </td>
              </tr>
            ))}
            {page.items.length === 0 && (
              <tr>
                <td colSpan={5} className="px-4 py-10 text-center text-slate-500">
                  {isFiltered ? (
                    <>
                      No API in {page.environment.name} matches.{' '}
                      <Link href={base} className="font-semibold text-indigo-700 hover:underline">
                        Show all
                      </Link>
                    </>
                  ) : (
                    <>No APIs in {page.environment.name} yet.</>
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination" className="flex justify-end gap-3 text-sm">
        {filters.cursor && (
          <Link href={withParams({})} className="font-semibold text-indigo-700 hover:underline">
            First page
          </Link>
        )}
        {page.nextCursor && (
          <Link
            href={withParams({ after: page.nextCursor })}
            className="font-semibold text-indigo-700 hover:underline"
          >
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}
