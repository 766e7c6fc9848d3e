'use client';

import { useActionState } from 'react';

import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

/** The user's choice of promotion email, one radio button each. */
export function EmailPreferenceForm(props: {
  action: Action;
  current: string;
  options: Record<string, string>;
  emailEnabled: boolean;
}) {
  const [state, submit, isPending] = useActionState(props.action, idle);
  return (
    <form action={submit} className="space-y-4">
      <FormMessage state={state} />
      {!props.emailEnabled && (
        <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          This Stageway sends no email yet (its administrator has not set SMTP_URL): your choice applies once
          it does.
        </p>
      )}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Promotion email</legend>
        {Object.entries(props.options).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="emailNotifications"
              value={value}
              defaultChecked={value === props.current}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save'}
      </Button>
    </form>
  );
}
