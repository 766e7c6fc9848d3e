'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useState } from 'react';

import { DefinitionDiffView } from '@/components/diff/definition-diff-view';
import { GatePanel } from '@/components/gates/gate-panel';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog } from '@/components/ui/dialog';
import { TextArea, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';
import type { GateEvaluation } from '@/db/gate-rules';
import type { DefinitionDiff } from '@/lib/diff';
import type { PromotionTarget } from '@/lib/promotions/queries';

const parts = ['endpoints', 'plans', 'flows', 'properties', 'pages', 'metadata'] as const;

type Preview =
  | { status: 'idle' | 'loading' }
  | { status: 'error'; message: string }
  | {
      status: 'ready';
      action: 'create' | 'update';
      targetReadable: boolean;
      diff: DefinitionDiff | null;
      evaluations: { exitGate: GateEvaluation; entryGate: GateEvaluation };
      directUnavailableReason: string | null;
    };

/** "key=value" lines as a record (lines without "=" are left to the server, which names them). */
const keyValues = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );

/** What accepting the chosen options would do, asked of the server as a dry run while they change. */
function usePreview(request: Record<string, unknown> | null): Preview {
  const [preview, setPreview] = useState<Preview>({ status: 'idle' });
  const key = request ? JSON.stringify(request) : null;
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setPreview({ status: 'loading' });
      try {
        const response = await fetch('/api/console/promotions/preview', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: key,
          signal: controller.signal,
        });
        const body = await response.json();
        setPreview(
          response.ok
            ? { status: 'ready', ...body }
            : { status: 'error', message: body.detail ?? 'The preview could not be made.' },
        );
      } catch (error) {
        if (!controller.signal.aborted) setPreview({ status: 'error', message: String(error) });
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return key ? preview : { status: 'idle' };
}

export function PromoteDialog(props: {
  /** The request server action (passed in: components never import routes). */
  requestAction: (previous: FormState, formData: FormData) => Promise<FormState>;
  apiId: string;
  apiName: string;
  sourceName: string;
  targets: PromotionTarget[];
  /** The source's revisions, newest first: the one to promote (default: the current one). */
  revisions: { revision: number; message: string | null }[];
  whyCannotPromote: string | null;
}) {
  const router = useRouter();
  const [isOpen, setIsOpen] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [requested, setRequested] = useState<{ id: string; outcome: string } | null>(null);
  const [mode, setMode] = useState<'request' | 'direct'>('request');
  const [parameters, setParameters] = useState('');
  const [revision, setRevision] = useState('');
  const [type, setType] = useState<'copy' | 'move'>('copy');
  const [included, setIncluded] = useState<string[]>([...parts]);
  const [properties, setProperties] = useState('');
  const include = included.length === parts.length ? '' : included.join(',');
  const preview = usePreview(
    isOpen && chosen && included.length
      ? {
          apiId: props.apiId,
          target: chosen,
          revision: revision ? Number(revision) : undefined,
          include: include ? include.split(',') : undefined,
          properties: keyValues(properties),
          parameters: keyValues(parameters),
        }
      : null,
  );
  const warns =
    preview.status === 'ready' &&
    [preview.evaluations.exitGate, preview.evaluations.entryGate].some((gate) => gate.decision === 'warn');
  const [state, action, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await props.requestAction(previous, formData);
    if (next.status === 'success') {
      // Close, say so, and re-read the page so the picker shows the new pending request.
      setIsOpen(false);
      setChosen(null);
      setRequested(
        next.values?.promotionId
          ? { id: next.values.promotionId, outcome: next.values.outcome ?? 'requested' }
          : null,
      );
      setMode('request');
      router.refresh();
    }
    return next;
  }, idle);

  // Direct mode only where the preview says the requester alone may apply it.
  const directReason =
    preview.status === 'ready'
      ? preview.directUnavailableReason
      : 'Checking whether you may promote directly…';
  const chosenMode = directReason === null ? mode : 'request';

  const available = props.targets.filter((target) => !target.isPending && !target.unavailableReason);
  const selected = props.targets.find((target) => target.key === chosen);
  const installations = [
    ...new Map(props.targets.map((target) => [target.installation.key, target.installation])).values(),
  ];

  return (
    <>
      <div className="flex flex-col items-end gap-1">
        <Button type="button" onClick={() => setIsOpen(true)} disabled={Boolean(props.whyCannotPromote)}>
          Promote
        </Button>
        {props.whyCannotPromote && <p className="text-xs text-slate-500">{props.whyCannotPromote}</p>}
        {requested && (
          <p role="status" className="text-sm text-emerald-700">
            {requested.outcome === 'requested'
              ? 'Promotion requested.'
              : requested.outcome === 'applied'
                ? 'Promoted: applied in the target.'
                : 'Promoted: being applied in the target.'}{' '}
            <Link href={`/promotions/${requested.id}`} className="font-semibold underline">
              {requested.outcome === 'requested' ? 'View request' : 'View promotion'}
            </Link>
          </p>
        )}
      </div>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title={`Promote ${props.apiName}`}>
        <form action={action} className="space-y-4">
          <input type="hidden" name="apiId" value={props.apiId} />
          <FormMessage state={state.status === 'error' ? state : idle} />
          <p className="text-sm text-slate-600">
            From {props.sourceName} to another environment. People there accept or reject the request.
          </p>
          {available.length === 0 && (
            <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-800">
              No environment is available to promote this API.
            </p>
          )}
          {installations.map((installation) => (
            <fieldset key={installation.key} className="space-y-1">
              <legend className="text-xs font-semibold uppercase tracking-wide text-slate-500">
                {installation.name}
              </legend>
              {props.targets
                .filter((target) => target.installation.key === installation.key)
                .map((target) => {
                  const isDisabled = target.isPending || Boolean(target.unavailableReason);
                  return (
                    <div key={target.key} className="flex items-center justify-between gap-2 text-sm">
                      <label
                        className={
                          isDisabled ? 'flex items-center gap-2 text-slate-500' : 'flex items-center gap-2'
                        }
                      >
                        <input
                          type="radio"
                          name="target"
                          value={target.key}
                          disabled={isDisabled}
                          checked={chosen === target.key}
                          onChange={() => setChosen(target.key)}
                        />
                        {target.isPending ? `${target.name} (pending)` : target.name}
                      </label>
                      {target.pendingPromotionId ? (
                        <Link
                          href={`/promotions/${target.pendingPromotionId}`}
                          className="text-xs font-semibold text-indigo-700 hover:underline"
                        >
                          View pending request
                        </Link>
                      ) : (
                        target.pendingRequest && (
                          <span className="text-xs text-slate-600">
                            Requested by {target.pendingRequest.requestedByName ?? 'a deleted user'},{' '}
                            <DateTime value={target.pendingRequest.requestedAt} />
                          </span>
                        )
                      )}
                      {target.unavailableReason && (
                        <span className="text-xs text-slate-500">{target.unavailableReason}</span>
                      )}
                    </div>
                  );
                })}
            </fieldset>
          ))}
          {state.fieldErrors?.target && (
            <p className="text-sm text-red-700">{state.fieldErrors.target.join(', ')}</p>
          )}
          {selected && (
            <div className="rounded-md bg-slate-50 p-3 text-sm text-slate-700" aria-live="polite">
              {selected.action === 'create' ? (
                <p>
                  Accepting will <strong>create</strong> a new API in {selected.name}.
                </p>
              ) : (
                <p>
                  Accepting will <strong>update</strong> the existing API in {selected.name}
                  {selected.targetRevision !== null && <> (now at revision {selected.targetRevision})</>}.
                </p>
              )}
              <p className="mt-1 text-slate-500">
                Members and groups do not travel:{' '}
                {selected.action === 'create'
                  ? 'the new API starts with a primary owner only.'
                  : `the API in ${selected.name} keeps its own.`}
              </p>
            </div>
          )}
          <details className="rounded-md border border-slate-200 p-3 text-sm">
            <summary className="cursor-pointer font-medium text-slate-700">Options</summary>
            <div className="mt-3 space-y-3">
              <label className="block space-y-1">
                <span className="block text-sm font-medium text-slate-700">Revision</span>
                <select
                  name="revision"
                  value={revision}
                  onChange={(event) => setRevision(event.target.value)}
                  className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300"
                >
                  <option value="">The current one</option>
                  {props.revisions.map((item) => (
                    <option key={item.revision} value={item.revision}>
                      Revision {item.revision}
                      {item.message ? ` — ${item.message}` : ''}
                    </option>
                  ))}
                </select>
              </label>
              <fieldset className="space-y-1">
                <legend className="text-sm font-medium text-slate-700">Type</legend>
                {(['copy', 'move'] as const).map((option) => (
                  <label key={option} className="mr-4 inline-flex items-center gap-2">
                    <input
                      type="radio"
                      name="type"
                      value={option}
                      checked={type === option}
                      onChange={() => setType(option)}
                    />
                    {option === 'copy' ? 'Copy' : 'Move (archives the source once applied)'}
                  </label>
                ))}
              </fieldset>
              <fieldset className="space-y-1">
                <legend className="text-sm font-medium text-slate-700">Parts that travel</legend>
                <input type="hidden" name="include" value={include} />
                {parts.map((part) => (
                  <label key={part} className="mr-4 inline-flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={included.includes(part)}
                      onChange={(event) =>
                        setIncluded(
                          event.target.checked
                            ? parts.filter((candidate) => candidate === part || included.includes(candidate))
                            : included.filter((candidate) => candidate !== part),
                        )
                      }
                    />
                    {part}
                  </label>
                ))}
                <p className="text-xs text-slate-500">The parts left out keep what the target has.</p>
              </fieldset>
              <TextArea
                label="Additional properties (key=value per line)"
                name="properties"
                rows={2}
                value={properties}
                onChange={(event) => setProperties(event.target.value)}
                errors={state.fieldErrors?.properties}
              />
              <TextArea
                label="Parameters (key=value per line)"
                name="parameters"
                rows={2}
                value={parameters}
                onChange={(event) => setParameters(event.target.value)}
                errors={state.fieldErrors?.parameters}
              />
              <TextField
                label="Description"
                name="description"
                defaultValue={state.values?.description}
                errors={state.fieldErrors?.description}
              />
            </div>
          </details>
          {chosen && (
            <div aria-live="polite" className="space-y-3">
              {preview.status === 'loading' && <p className="text-sm text-slate-500">Checking…</p>}
              {preview.status === 'error' && <p className="text-sm text-red-700">{preview.message}</p>}
              {preview.status === 'ready' && (
                <>
                  <GatePanel evaluations={preview.evaluations} />
                  {preview.diff ? (
                    <DefinitionDiffView diff={preview.diff} targetName={selected?.name ?? chosen} />
                  ) : (
                    <p className="text-sm text-slate-600">
                      You may not read the API in {selected?.name ?? chosen}: what changes there is shown to
                      its approvers.
                    </p>
                  )}
                </>
              )}
            </div>
          )}
          {selected && (
            <fieldset className="space-y-1 text-sm">
              <legend className="font-medium text-slate-700">How</legend>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="mode"
                  value="request"
                  checked={chosenMode === 'request'}
                  onChange={() => setMode('request')}
                />
                Request approval from {selected.name}
              </label>
              <label
                className={
                  directReason ? 'flex items-center gap-2 text-slate-500' : 'flex items-center gap-2'
                }
              >
                <input
                  type="radio"
                  name="mode"
                  value="direct"
                  disabled={directReason !== null}
                  checked={chosenMode === 'direct'}
                  onChange={() => setMode('direct')}
                  aria-describedby="direct-reason"
                />
                Promote directly: apply now, approved by you alone
              </label>
              {directReason && (
                <p id="direct-reason" className="text-xs text-slate-500">
                  {directReason}
                </p>
              )}
            </fieldset>
          )}
          {(warns || state.fieldErrors?.justification) && (
            <TextArea
              label="Justification (a gate warns)"
              name="justification"
              rows={2}
              defaultValue={state.values?.justification}
              errors={state.fieldErrors?.justification}
            />
          )}
          <TextField
            label="Title"
            name="title"
            defaultValue={state.values?.title}
            errors={state.fieldErrors?.title}
          />
          <TextArea
            label="Message"
            name="message"
            rows={3}
            defaultValue={state.values?.message}
            errors={state.fieldErrors?.message}
          />
          <div className="flex justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => setIsOpen(false)}>
              Close
            </Button>
            <Button type="submit" disabled={isPending || !selected}>
              {chosenMode === 'direct'
                ? isPending
                  ? 'Promoting…'
                  : 'Promote now'
                : isPending
                  ? 'Requesting…'
                  : 'Request promotion'}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
