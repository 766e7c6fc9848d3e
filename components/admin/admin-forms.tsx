'use client';

import { useActionState, useState, type ReactNode } from 'react';

import { Button } from '@/components/ui/button';
import { SelectField, TextArea, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';

/**
 * The administration's forms. Each takes its server action as a prop (components do not import app/);
 * the action authenticates and the domain function authorizes.
 */

export type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

const card = 'space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200';

/** One button that runs an action on hidden fields, with its outcome next to it. */
export function ActionButton({
  action,
  fields,
  children,
  pendingLabel,
  variant = 'secondary',
  label,
}: {
  action: Action;
  fields: Record<string, string>;
  children: ReactNode;
  pendingLabel?: string;
  variant?: 'primary' | 'secondary' | 'danger';
  /** An accessible name when the visible text is not enough ("Revoke" → "Revoke token ci"). */
  label?: string;
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  return (
    <form action={submit} className="inline-flex flex-col items-start gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} disabled={isPending} aria-label={label}>
        {isPending && pendingLabel ? pendingLabel : children}
      </Button>
      <FormMessage state={state} />
      {state.data?.oneTimePassword && <OneTimePassword password={state.data.oneTimePassword} />}
    </form>
  );
}

/** A one-time password, shown this once. */
export function OneTimePassword({ password, email }: { password: string; email?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      role="region"
      aria-label="One-time password"
      className="space-y-2 rounded-md bg-amber-50 p-3 text-sm text-amber-900"
    >
      <p>
        One-time password{email ? ` for ${email}` : ''}: shown only now. Hand it over in person or through a
        channel you trust; it must be changed at the first sign-in.
      </p>
      <div className="flex items-center gap-2">
        <code className="rounded bg-surface px-2 py-1 font-mono text-base text-slate-900 ring-1 ring-amber-200">
          {password}
        </code>
        <Button
          type="button"
          variant="secondary"
          onClick={() => navigator.clipboard?.writeText(password).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

export function NewUserForm({ action, ssoEnabled }: { action: Action; ssoEnabled: boolean }) {
  const [state, submit, isPending] = useActionState(action, idle);
  const created = state.status === 'success' ? state.data : undefined;
  return (
    <form action={submit} aria-labelledby="new-user-heading" className={card}>
      <h2 id="new-user-heading" className="text-lg font-semibold">
        New user
      </h2>
      <FormMessage state={state} />
      {created?.oneTimePassword && (
        <OneTimePassword password={created.oneTimePassword} email={created.email} />
      )}
      {created?.userId && (
        <a
          href={`/admin/users/${created.userId}`}
          className="text-sm font-semibold text-indigo-700 hover:underline"
        >
          Open {created.email} to give roles
        </a>
      )}
      <TextField
        label="Email"
        name="email"
        id="new-user-email"
        type="email"
        autoComplete="off"
        defaultValue={state.values?.email}
        errors={state.fieldErrors?.email}
      />
      <TextField
        label="Name"
        name="name"
        id="new-user-name"
        autoComplete="off"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      {ssoEnabled && (
        <SelectField label="Signs in with" name="signIn" id="new-user-sign-in" defaultValue="password">
          <option value="password">A password (one-time, changed at first sign-in)</option>
          <option value="sso">Single sign-on only</option>
        </SelectField>
      )}
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="organizationAdmin"
          defaultChecked={state.values?.organizationAdmin === 'on'}
        />
        Organization admin (may administer everything)
      </label>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Creating…' : 'Create user'}
      </Button>
    </form>
  );
}

export function GrantEnvironmentRoleForm({
  action,
  userId,
  environments,
  roles,
}: {
  action: Action;
  userId: string;
  environments: { key: string; name: string }[];
  roles: readonly string[];
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  return (
    <form action={submit} aria-label="Grant an environment role" className="space-y-3">
      <input type="hidden" name="userId" value={userId} />
      <FormMessage state={state} />
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          label="Environment"
          name="environment"
          id="grant-environment"
          defaultValue={state.values?.environment}
        >
          {environments.map((environment) => (
            <option key={environment.key} value={environment.key}>
              {environment.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Role"
          name="role"
          id="grant-role"
          defaultValue={state.values?.role ?? 'USER'}
          errors={state.fieldErrors?.role}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={isPending}>
          {isPending ? 'Granting…' : 'Grant role'}
        </Button>
      </div>
    </form>
  );
}

export function NewGroupForm({
  action,
  environments,
  roles,
}: {
  action: Action;
  environments: { key: string; name: string }[];
  roles: readonly string[];
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  return (
    <form action={submit} aria-labelledby="new-group-heading" className={card}>
      <h2 id="new-group-heading" className="text-lg font-semibold">
        New group
      </h2>
      <FormMessage state={state} />
      <SelectField
        label="Environment"
        name="environment"
        id="new-group-environment"
        defaultValue={state.values?.environment}
        errors={state.fieldErrors?.environment}
      >
        {environments.map((environment) => (
          <option key={environment.key} value={environment.key}>
            {environment.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Name"
        name="name"
        id="new-group-name"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      <EnvironmentRoleSelect id="new-group-role" roles={roles} state={state} />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Creating…' : 'Create group'}
      </Button>
    </form>
  );
}

function EnvironmentRoleSelect({
  id,
  roles,
  state,
  current,
}: {
  id: string;
  roles: readonly string[];
  state: FormState;
  current?: string | null;
}) {
  return (
    <SelectField
      label="Environment role of its members"
      name="environmentRole"
      id={id}
      hint="Every member holds this role in the group's environment while a member."
      defaultValue={state.values?.environmentRole ?? current ?? ''}
      errors={state.fieldErrors?.environmentRole}
    >
      <option value="">None</option>
      {roles.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </SelectField>
  );
}

export function GroupSettingsForm({
  action,
  group,
  roles,
}: {
  action: Action;
  group: { id: string; name: string; environmentRole: string | null; identityProviderGroups: string[] };
  roles: readonly string[];
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  const mappingErrors = Object.entries(state.fieldErrors ?? {})
    .filter(([key]) => key.startsWith('identityProviderGroups'))
    .flatMap(([, messages]) => messages);
  return (
    <form action={submit} aria-labelledby="group-settings-heading" className={card}>
      <h2 id="group-settings-heading" className="text-lg font-semibold">
        Name, role and single sign-on
      </h2>
      <input type="hidden" name="groupId" value={group.id} />
      <FormMessage state={state} />
      <TextField
        label="Name"
        name="name"
        id="group-name"
        defaultValue={state.values?.name ?? group.name}
        errors={state.fieldErrors?.name}
      />
      <EnvironmentRoleSelect id="group-role" roles={roles} state={state} current={group.environmentRole} />
      <TextArea
        label="Identity provider groups"
        name="identityProviderGroups"
        id="group-idp-groups"
        rows={3}
        defaultValue={state.values?.identityProviderGroups ?? group.identityProviderGroups.join('\n')}
        errors={mappingErrors.length ? mappingErrors : undefined}
        hint="One per line, as the provider's groups claim names them. Members of these groups become this group's members at every single sign-on, and leave it when they are no longer in any of them. Empty: membership is managed here only."
      />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save'}
      </Button>
    </form>
  );
}

export function AddMemberForm({
  action,
  groupId,
  apiRoles,
}: {
  action: Action;
  groupId: string;
  apiRoles: readonly string[];
}) {
  const [state, submit, isPending] = useActionState(action, idle);
  return (
    <form action={submit} aria-label="Add a member" className="space-y-3">
      <input type="hidden" name="groupId" value={groupId} />
      <FormMessage state={state} />
      <div className="flex flex-wrap items-end gap-3">
        <TextField
          label="Member's email"
          name="email"
          id="member-email"
          type="email"
          defaultValue={state.status === 'error' ? state.values?.email : ''}
          errors={state.fieldErrors?.email ?? state.fieldErrors?.userId}
        />
        <SelectField
          label="API role on the group's APIs"
          name="apiRole"
          id="member-api-role"
          defaultValue={state.values?.apiRole ?? 'USER'}
          errors={state.fieldErrors?.apiRole}
        >
          {apiRoles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={isPending}>
          {isPending ? 'Adding…' : 'Add member'}
        </Button>
      </div>
    </form>
  );
}
