'use client';

import { useActionState, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/form-message';
import { ShownOnce } from '@/components/ui/shown-once';
import { idle, type FormState } from '@/lib/actions/form-state';

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

/**
 * One button that posts hidden fields to an action, after a confirmation when `confirm` is given; the
 * outcome (or a new secret, shown once) appears beside it.
 */
function ActionButton({
  action,
  fields,
  label,
  confirm,
  variant = 'secondary',
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  confirm?: { title: string; body: string; button: string };
  variant?: 'secondary' | 'danger';
}) {
  const [isOpen, setIsOpen] = useState(false);
  const [state, submit, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await action(previous, formData);
    setIsOpen(false);
    return next;
  }, idle);
  const hidden = Object.entries(fields).map(([name, value]) => (
    <input key={name} type="hidden" name={name} value={value} />
  ));
  const secret = state.status === 'success' ? state.values?.secret : undefined;

  return (
    <div className="space-y-2">
      {confirm ? (
        <>
          <Button type="button" variant={variant} onClick={() => setIsOpen(true)}>
            {label}
          </Button>
          <Dialog open={isOpen} onClose={() => setIsOpen(false)} title={confirm.title}>
            <form action={submit} className="space-y-4">
              {hidden}
              <p className="text-sm text-slate-700">{confirm.body}</p>
              <div className="flex justify-end gap-3">
                <Button type="button" variant="secondary" onClick={() => setIsOpen(false)}>
                  Back
                </Button>
                <Button
                  type="submit"
                  variant={variant === 'danger' ? 'danger' : 'primary'}
                  disabled={isPending}
                >
                  {confirm.button}
                </Button>
              </div>
            </form>
          </Dialog>
        </>
      ) : (
        <form action={submit}>
          {hidden}
          <Button type="submit" variant={variant} disabled={isPending}>
            {isPending ? 'Sending…' : label}
          </Button>
        </form>
      )}
      {secret ? (
        <ShownOnce
          key={secret}
          id="webhook-secret"
          label="New signing secret"
          value={secret}
          notice="Copy the new signing secret now: it will not be shown again. The old one no longer signs."
        />
      ) : (
        <FormMessage state={state} />
      )}
    </div>
  );
}

export function RotateSecretButton({ action, webhookId }: { action: Action; webhookId: string }) {
  return (
    <ActionButton
      action={action}
      fields={{ webhookId }}
      label="Replace the secret"
      confirm={{
        title: 'Replace the signing secret?',
        body: 'Deliveries are signed with the new secret at once: update your receiver right after.',
        button: 'Replace the secret',
      }}
    />
  );
}

export function DeleteWebhookButton(props: { action: Action; webhookId: string; environmentKey: string }) {
  return (
    <ActionButton
      action={props.action}
      fields={{ webhookId: props.webhookId, environmentKey: props.environmentKey }}
      label="Delete webhook"
      variant="danger"
      confirm={{
        title: 'Delete this webhook?',
        body: 'Nothing more is sent to it, and its delivery log goes with it. This cannot be undone.',
        button: 'Delete webhook',
      }}
    />
  );
}

export function RedeliverButton(props: { action: Action; webhookId: string; deliveryId: string }) {
  return (
    <ActionButton
      action={props.action}
      fields={{ webhookId: props.webhookId, deliveryId: props.deliveryId }}
      label="Redeliver"
    />
  );
}
