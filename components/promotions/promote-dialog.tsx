'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextArea, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';
import type { PromotionTarget } from '@/lib/promotions/queries';

export function PromoteDialog(props: {
  /** The request server action (passed in: components never import routes). */
  requestAction: (previous: FormState, formData: FormData) => Promise<FormState>;
  apiId: string;
  apiName: string;
  sourceName: string;
  targets: PromotionTarget[];
  whyCannotPromote: string | null;
}) {
  const router = useRouter();
  const [isOpen, setIsOpen] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [requested, setRequested] = useState<string | null>(null);
  const [state, action, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await props.requestAction(previous, formData);
    if (next.status === 'success') {
      // Close, say so, and re-read the page so the picker shows the new pending request.
      setIsOpen(false);
      setChosen(null);
      setRequested(next.values?.promotionId ?? null);
      router.refresh();
    }
    return next;
  }, idle);

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
            Promotion requested.{' '}
            <Link href={`/promotions/${requested}`} className="font-semibold underline">
              View request
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
                          isDisabled ? 'flex items-center gap-2 text-slate-400' : 'flex items-center gap-2'
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
                      {target.pendingPromotionId && (
                        <Link
                          href={`/promotions/${target.pendingPromotionId}`}
                          className="text-xs font-semibold text-indigo-700 hover:underline"
                        >
                          View pending request
                        </Link>
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
            <p className="text-sm text-red-600">{state.fieldErrors.target.join(', ')}</p>
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
              {isPending ? 'Requesting…' : 'Request promotion'}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
