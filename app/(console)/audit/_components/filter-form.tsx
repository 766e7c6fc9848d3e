import Link from 'next/link';
import type { ReactNode } from 'react';

import { buttonClass } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { FieldErrors } from '@/lib/errors';
import { auditActions } from '@/lib/audit/actions';
import type { AuditEnvironment } from '@/lib/audit/queries';
import { cn } from '@/lib/utils';

type Values = Record<'from' | 'to' | 'actor' | 'action' | 'environment' | 'outcome' | 'api', string>;

const selectClass =
  'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

function Select({
  label,
  name,
  value,
  errors,
  children,
}: {
  label: string;
  name: string;
  value: string;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={name}
        name={name}
        defaultValue={value}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${name}-error` : undefined}
        className={cn(selectClass, Boolean(errors?.length) && 'ring-red-500')}
      >
        {children}
      </select>
      {errors?.map((error) => (
        <p key={error} id={`${name}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ))}
    </div>
  );
}

/** A plain GET form: the filters live in the URL, so a filtered view can be bookmarked and shared. */
export function FilterForm({
  values,
  errors,
  environments,
  apiLabel,
}: {
  values: Values;
  errors: FieldErrors;
  environments: AuditEnvironment[];
  apiLabel: string | null;
}) {
  return (
    <form
      method="get"
      action="/audit"
      aria-label="Filters"
      className="grid gap-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4"
    >
      <TextField
        label="From (UTC)"
        name="from"
        type="datetime-local"
        defaultValue={values.from}
        errors={errors.from}
      />
      <TextField
        label="To (UTC)"
        name="to"
        type="datetime-local"
        defaultValue={values.to}
        errors={errors.to}
      />
      <TextField
        label="Actor"
        name="actor"
        defaultValue={values.actor}
        placeholder="email, or system"
        errors={errors.actor}
      />
      <Select label="Action" name="action" value={values.action} errors={errors.action}>
        <option value="">Any action</option>
        {Object.entries(auditActions).map(([action, label]) => (
          <option key={action} value={action}>
            {label}
          </option>
        ))}
      </Select>
      <Select label="Environment" name="environment" value={values.environment} errors={errors.environment}>
        <option value="">{environments.length > 1 ? 'All my environments' : 'Any'}</option>
        {environments.map((environment) => (
          <option key={environment.id} value={environment.key}>
            {environment.name}
          </option>
        ))}
      </Select>
      <Select label="Outcome" name="outcome" value={values.outcome} errors={errors.outcome}>
        <option value="">Any outcome</option>
        <option value="success">success</option>
        <option value="denied">denied</option>
        <option value="error">error</option>
      </Select>
      <div className="flex items-end gap-3 sm:col-span-2">
        {values.api && (
          <span className="flex items-center gap-2 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-800">
            <input type="hidden" name="api" value={values.api} />
            API: {apiLabel ?? values.api}
          </span>
        )}
        <button type="submit" className={buttonClass('primary')}>
          Apply filters
        </button>
        <Link href="/audit" className="text-sm font-semibold text-indigo-700 hover:underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
