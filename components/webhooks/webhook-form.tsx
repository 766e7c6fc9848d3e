'use client';

import { useActionState } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { ShownOnce } from '@/components/ui/shown-once';
import { idle, type FormState } from '@/lib/actions/form-state';
import { promotionEvents, type PromotionEventType } from '@/lib/outbox/events';

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

/**
 * A webhook's URL, events and active flag: to create one (the secret is then shown once) or to change
 * one. `environmentKey` says whose it is: an environment's, or (empty) the user's own.
 */
export function WebhookForm({
  action,
  environmentKey,
  webhook,
}: {
  action: Action;
  environmentKey: string;
  webhook?: { id: string; url: string; events: string[]; active: boolean };
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  const errors = state.fieldErrors ?? {};
  // After an error React has reset the form: refill what was typed.
  const typed = state.status === 'error' ? (state.values ?? {}) : null;
  const isChecked = (type: PromotionEventType) =>
    typed ? `event:${type}` in typed : (webhook?.events.includes(type) ?? true);
  const secret = state.status === 'success' ? state.values?.secret : undefined;

  return (
    <div className="space-y-4">
      {secret ? (
        <ShownOnce
          key={secret}
          id="webhook-secret"
          label="Signing secret"
          value={secret}
          notice="Copy the signing secret now: it will not be shown again. Receivers check each delivery's Stageway-Signature with it."
        />
      ) : (
        <FormMessage state={state} />
      )}
      <form action={submit} className="space-y-4" noValidate>
        <input type="hidden" name="environmentKey" value={environmentKey} />
        {webhook && <input type="hidden" name="webhookId" value={webhook.id} />}
        <TextField
          label="Payload URL"
          name="url"
          type="url"
          defaultValue={typed ? typed.url : webhook?.url}
          errors={errors.url}
          placeholder="https://ci.example.com/hooks/stageway"
          hint="http(s); addresses on loopback or private networks are refused."
          required
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Events</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {(Object.entries(promotionEvents) as [PromotionEventType, string][]).map(([type, meaning]) => (
              <label key={type} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name={`event:${type}`}
                  defaultChecked={isChecked(type)}
                  className="mt-0.5"
                />
                <span>
                  <span className="font-mono text-xs">{type}</span>
                  <span className="block text-xs text-slate-500">{meaning}</span>
                </span>
              </label>
            ))}
          </div>
          {Object.entries(errors)
            .filter(([key]) => key.startsWith('events'))
            .flatMap(([, messages]) => messages)
            .map((message) => (
              <p key={message} className="text-sm text-red-700">
                {message}
              </p>
            ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="active"
            defaultChecked={typed ? typed.active === 'on' : (webhook?.active ?? true)}
          />
          Active (deliveries are sent)
        </label>
        <Button type="submit" disabled={isPending}>
          {isPending ? 'Saving…' : webhook ? 'Save webhook' : 'Add webhook'}
        </Button>
      </form>
    </div>
  );
}
