'use client';

import { useActionState, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle } from '@/lib/actions/form-state';

import { createTokenAction } from '../actions';

function NewToken({ token, name }: { token: string; name: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): select it for a manual copy.
      input.current?.select();
      setCopied('failed');
    }
  };

  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4">
      <p className="text-sm font-medium text-amber-900">
        Copy the token &ldquo;{name}&rdquo; now: it will not be shown again.
      </p>
      <div className="flex gap-2">
        <label htmlFor="new-token" className="sr-only">
          New token
        </label>
        <input
          ref={input}
          id="new-token"
          readOnly
          value={token}
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full rounded-md border-0 bg-surface px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300"
        />
        <Button type="button" variant="secondary" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {copied === 'failed' && (
        <p className="text-xs text-amber-900">Copying was refused by the browser: press Ctrl+C (⌘C).</p>
      )}
    </div>
  );
}

export function CreateTokenForm({ minExpiry, maxExpiry }: { minExpiry: string; maxExpiry: string }) {
  const [state, action, isPending] = useActionState(createTokenAction, idle);
  const errors = state.fieldErrors ?? {};
  // After an error React has reset the form: refill what was typed. After success, start empty.
  const values = state.status === 'error' ? (state.values ?? {}) : {};
  const created = state.status === 'success' ? state.values : undefined;

  return (
    <div className="space-y-4">
      {created?.token ? (
        <NewToken key={created.token} token={created.token} name={created.tokenName ?? ''} />
      ) : (
        <FormMessage state={state} />
      )}
      <form action={action} className="grid items-start gap-4 sm:grid-cols-[2fr_1fr_auto]" noValidate>
        <TextField
          label="Name"
          name="name"
          defaultValue={values.name}
          errors={errors.name}
          maxLength={100}
          placeholder="e.g. ci-deploy"
          required
        />
        <TextField
          label="Expiry date (optional)"
          name="expiresAt"
          type="date"
          min={minExpiry}
          max={maxExpiry}
          defaultValue={values.expiresAt}
          errors={errors.expiresAt}
          hint="Stops working at 00:00 UTC that day."
        />
        <Button type="submit" disabled={isPending} className="sm:mt-6">
          {isPending ? 'Creating…' : 'Create token'}
        </Button>
      </form>
    </div>
  );
}
