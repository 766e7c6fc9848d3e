'use client';

import { useActionState } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';

/** Current password, new password with its rules explained; other sessions end when it changes. */
export function ChangePasswordForm(props: {
  action: (previous: FormState, formData: FormData) => Promise<FormState>;
  rules: string;
}) {
  const [state, action, isPending] = useActionState(props.action, idle);
  return (
    <form action={action} className="space-y-4">
      <FormMessage state={state} />
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        errors={state.fieldErrors?.currentPassword}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint={props.rules}
        errors={state.fieldErrors?.newPassword}
      />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Changing…' : 'Change password'}
      </Button>
    </form>
  );
}
