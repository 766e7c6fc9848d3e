'use client';

import Link from 'next/link';
import { useActionState } from 'react';

import { Button, buttonClass } from '@/components/ui/button';
import { TextArea, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle } from '@/lib/actions/form-state';

import { saveDefinitionAction } from './actions';

const basicFields = new Set(['name', 'version', 'contextPath', 'description', 'message']);

export type DefinitionFormValues = {
  name: string;
  version: string;
  contextPath: string;
  description: string;
  parts: string;
};

export function DefinitionForm(props: {
  envKey: string;
  apiId: string;
  baseRevision: number;
  initial: DefinitionFormValues;
  cancelHref: string;
}) {
  const [state, action, isPending] = useActionState(saveDefinitionAction, idle);
  const values = { ...props.initial, message: '', ...state.values };
  const errors = state.fieldErrors ?? {};
  // Errors inside the JSON part are listed by their path, e.g. "plans.1.security".
  const partErrors = Object.entries(errors)
    .filter(([path]) => !basicFields.has(path) && path !== 'parts')
    .map(([path, messages]) => `${path}: ${messages.join(', ')}`);

  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="envKey" value={props.envKey} />
      <input type="hidden" name="apiId" value={props.apiId} />
      <input type="hidden" name="baseRevision" value={props.baseRevision} />
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField label="Name" name="name" defaultValue={values.name} errors={errors.name} required />
        <TextField
          label="Version"
          name="version"
          defaultValue={values.version}
          errors={errors.version}
          required
        />
        <TextField
          label="Context path"
          name="contextPath"
          defaultValue={values.contextPath}
          errors={errors.contextPath}
          required
          className="font-mono"
        />
      </div>
      <TextArea
        label="Description"
        name="description"
        rows={2}
        defaultValue={values.description}
        errors={errors.description}
      />
      <TextArea
        label="Endpoints, plans, flows, properties, pages and metadata (JSON)"
        name="parts"
        rows={24}
        spellCheck={false}
        defaultValue={values.parts}
        errors={[...(errors.parts ?? []), ...partErrors]}
        hint="Checked when you save: every problem is listed by its path, and nothing is saved until all are fixed."
      />
      <TextField
        label="Change message"
        name="message"
        defaultValue={values.message}
        errors={errors.message}
        placeholder="What changed and why (optional)"
      />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? 'Saving…' : 'Save revision'}
        </Button>
        <Link href={props.cancelHref} className={buttonClass('secondary')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
