'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useActionState, useRef, useState, type FormEvent } from 'react';

import type { JsonProblem } from '@/components/apis/json-editor';
import { Button, buttonClass } from '@/components/ui/button';
import { TextArea, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { useOutcomeToast } from '@/components/ui/toaster';
import { idle, type FormState } from '@/lib/actions/form-state';
import { definitionBytes, definitionTooLargeMessage, maxDefinitionBytes } from '@/lib/apis/definition-size';

import { saveDefinitionAction } from './actions';
import { EditorBoundary } from './editor-boundary';
import { useLeaveWarning } from './use-leave-warning';

const editorLabel = 'Endpoints, plans, flows, properties, pages and metadata (JSON)';

// CodeMirror is large: it loads after the page, in its own chunk, and only in the browser.
const JsonEditor = dynamic(() => import('@/components/apis/json-editor'), {
  ssr: false,
  loading: () => (
    <p role="status" className="rounded-md p-3 text-sm text-slate-600 ring-1 ring-inset ring-slate-300">
      Loading the editor…
    </p>
  ),
});
const ConflictDiff = dynamic(() => import('@/components/apis/conflict-diff'), {
  ssr: false,
  loading: () => <p className="px-4 py-3 text-sm text-slate-600">Comparing…</p>,
});

const basicFields = new Set(['name', 'version', 'contextPath', 'description', 'message', 'parts', '_']);

export type DefinitionFormValues = {
  name: string;
  version: string;
  contextPath: string;
  description: string;
  parts: string;
};

function formatted(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** The definition as it would be saved, from the form's fields and the JSON part (null if unreadable). */
function definitionFrom(
  values: Record<string, string | undefined>,
  parts: string,
): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(parts);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const { name, version, contextPath, description } = values;
    return { ...value, name, version, contextPath, description };
  } catch {
    return null;
  }
}

export function DefinitionForm(props: {
  envKey: string;
  apiId: string;
  baseRevision: number;
  initial: DefinitionFormValues;
  cancelHref: string;
  /** The JSON Schema of the JSON part, generated from the definition's zod schema. */
  partsSchema: Record<string, unknown>;
}) {
  const [state, action, isPending] = useActionState(saveDefinitionAction, idle);
  const form = useRef<HTMLFormElement>(null);
  // The revision this edit builds on. It changes only when the user chooses to re-apply on top of
  // someone else's: a page refresh after a conflict must not move it silently.
  const [baseRevision, setBaseRevision] = useState(props.baseRevision);
  const [parts, setParts] = useState(props.initial.parts);
  const [problems, setProblems] = useState<JsonProblem[]>([]);
  const [clientState, setClientState] = useState<FormState | null>(null);
  const [isDirty, setIsDirty] = useState(false);
  // Set while a save is on its way, so that its redirect is not taken for leaving; cleared by the answer.
  const [sentState, setSentState] = useState<FormState | null>(null);
  const isSubmitting = sentState !== null && sentState === state;
  useLeaveWarning(isDirty && !isSubmitting);
  useOutcomeToast(clientState ?? state, { error: 'Definition not saved' });

  const shown = clientState ?? state;
  const values = { ...props.initial, message: '', ...state.values };
  const errors = shown.fieldErrors ?? {};
  // Errors inside the JSON part are listed by their path, e.g. "plans.1.security".
  const partErrors = Object.entries(errors)
    .filter(([path]) => !basicFields.has(path))
    .map(([path, messages]) => `${path}: ${messages.join(', ')}`);
  const theirRevision = state.data?.theirRevision ? Number(state.data.theirRevision) : null;
  const isConflict = theirRevision !== null && baseRevision !== theirRevision;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const current = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const definition = definitionFrom(current, parts) ?? { ...current, parts };
    const bytes = definitionBytes(definition);
    if (bytes > maxDefinitionBytes) {
      // Never sent: the text stays here, with the limit named.
      event.preventDefault();
      setClientState({
        status: 'error',
        message: `${definitionTooLargeMessage(bytes)} Nothing was saved; your text is still here.`,
        fieldErrors: { parts: [definitionTooLargeMessage(bytes)] },
      });
      return;
    }
    setClientState(null);
    setSentState(state);
  }

  function reapplyOnTop() {
    if (theirRevision === null) return;
    setBaseRevision(theirRevision);
    // The hidden field takes the new base before the form is sent.
    setTimeout(() => form.current?.requestSubmit(), 0);
  }

  return (
    <form
      ref={form}
      action={action}
      onSubmit={onSubmit}
      onInput={() => setIsDirty(true)}
      className="space-y-5"
      noValidate
    >
      <input type="hidden" name="envKey" value={props.envKey} />
      <input type="hidden" name="apiId" value={props.apiId} />
      <input type="hidden" name="baseRevision" value={baseRevision} />
      <input type="hidden" name="parts" value={parts} />
      <FormMessage state={shown} />
      {isConflict && state.data?.theirs && (
        <section
          aria-label="Their version beside yours"
          className="overflow-hidden rounded-xl ring-1 ring-amber-300"
        >
          <div className="flex flex-wrap items-center gap-3 bg-amber-50 px-4 py-3">
            <p className="text-sm text-amber-900">
              Saving yours on top of revision {theirRevision} makes these changes to it:
            </p>
            <Button type="button" className="ml-auto" onClick={reapplyOnTop} disabled={isPending}>
              {isPending ? 'Saving…' : 'Re-apply mine on top'}
            </Button>
          </div>
          <ConflictDiff
            theirs={JSON.parse(state.data.theirs)}
            yours={definitionFrom(values, parts) ?? { ...values, parts }}
            theirRevision={theirRevision}
          />
        </section>
      )}
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
      <div className="space-y-1">
        <div className="flex items-end justify-between gap-3">
          <span id="parts-label" className="block text-sm font-medium text-slate-700">
            {editorLabel}
          </span>
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              const pretty = formatted(parts);
              if (pretty !== null && pretty !== parts) {
                setParts(pretty);
                setIsDirty(true);
              }
            }}
            disabled={formatted(parts) === null}
          >
            Format
          </Button>
        </div>
        <EditorBoundary
          value={parts}
          onChange={(next) => {
            setParts(next);
            setIsDirty(true);
          }}
          label={editorLabel}
        >
          <JsonEditor
            value={parts}
            onChange={(next) => {
              setParts(next);
              setIsDirty(true);
            }}
            onProblems={setProblems}
            schema={props.partsSchema}
            label={editorLabel}
            describedBy="parts-problems"
            isInvalid={problems.length > 0 || Boolean(errors.parts?.length || partErrors.length)}
          />
        </EditorBoundary>
        <div id="parts-problems">
          {problems.length > 0 ? (
            <ul aria-label="Problems in the JSON" className="space-y-0.5 text-sm text-red-700">
              {problems.map((problem, index) => (
                <li key={index}>
                  Line {problem.line}, column {problem.column}: {problem.message}
                </li>
              ))}
            </ul>
          ) : (
            !errors.parts?.length &&
            !partErrors.length && (
              <p className="text-xs text-slate-500">
                Checked as you type against the definition&apos;s schema; at most{' '}
                {(maxDefinitionBytes / (1024 * 1024)).toString()} MB in all. Nothing is saved until every
                problem is fixed.
              </p>
            )
          )}
          {[...(errors.parts ?? []), ...(errors._ ?? []), ...partErrors].map((error) => (
            <p key={error} className="text-sm text-red-700">
              {error}
            </p>
          ))}
        </div>
      </div>
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
