import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

import { cn } from '@/lib/utils';

const control =
  'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

/** `id` defaults to `name`; give one when a page has several fields of the same name. */
type FieldProps = { label: string; name: string; id?: string; errors?: string[]; hint?: ReactNode };

function FieldFrame({
  label,
  id,
  errors,
  hint,
  children,
}: Omit<FieldProps, 'name'> & { id: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !errors?.length && <p className="text-xs text-slate-500">{hint}</p>}
      {errors?.map((error) => (
        <p key={error} id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ))}
    </div>
  );
}

export function TextField({
  label,
  name,
  id = name,
  errors,
  hint,
  className,
  ...props
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} id={id} errors={errors} hint={hint}>
      <input
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={cn(control, Boolean(errors?.length) && 'ring-red-500', className)}
        {...props}
      />
    </FieldFrame>
  );
}

export function TextArea({
  label,
  name,
  id = name,
  errors,
  hint,
  className,
  ...props
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame label={label} id={id} errors={errors} hint={hint}>
      <textarea
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={cn(control, 'font-mono', Boolean(errors?.length) && 'ring-red-500', className)}
        {...props}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  name,
  id = name,
  errors,
  hint,
  className,
  children,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame label={label} id={id} errors={errors} hint={hint}>
      <select
        id={id}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={cn(control, Boolean(errors?.length) && 'ring-red-500', className)}
        {...props}
      >
        {children}
      </select>
    </FieldFrame>
  );
}
