'use client';

import { useActionState } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { ShownOnce } from '@/components/ui/shown-once';
import { idle } from '@/lib/actions/form-state';

import { createTokenAction } from '../actions';

export function CreateTokenForm({ minExpiry, maxExpiry }: { minExpiry: string; maxExpiry: string }) {
  const [state, action, isPending] = useActionState(createTokenAction, idle);
  const errors = state.fieldErrors ?? {};
  // After an error React has reset the form: refill what was typed. After success, start empty.
  const values = state.status === 'error' ? (state.values ?? {}) : {};
  const created = state.status === 'success' ? state.values : undefined;

  return (
    <div className="space-y-4">
      {created?.token ? (
        <ShownOnce
          key={created.token}
          id="new-token"
          label="New token"
          value={created.token}
          notice={`Copy the token “${created.tokenName ?? ''}” now: it will not be shown again.`}
        />
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
