'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

type Installation = {
  key: string;
  name: string;
  environments: { key: string; name: string; apiCount: number }[];
};

/** Installations with their environments in lifecycle order, and the forms that change them. */
export function EnvironmentsAdmin(props: {
  installations: Installation[];
  actions: {
    createInstallation: Action;
    renameInstallation: Action;
    createEnvironment: Action;
    reorder: Action;
    deleteEnvironment: Action;
  };
}) {
  return (
    <div className="space-y-6">
      {props.installations.map((installation) => (
        <InstallationSection key={installation.key} installation={installation} actions={props.actions} />
      ))}
      <div className="grid gap-6 md:grid-cols-2">
        <NewEnvironmentForm installations={props.installations} action={props.actions.createEnvironment} />
        <NewInstallationForm action={props.actions.createInstallation} />
      </div>
    </div>
  );
}

function InstallationSection({
  installation,
  actions,
}: {
  installation: Installation;
  actions: { renameInstallation: Action; reorder: Action; deleteEnvironment: Action };
}) {
  const [reorderState, reorder, isReordering] = useActionState(actions.reorder, idle);
  const [renameState, rename, isRenaming] = useActionState(actions.renameInstallation, idle);
  const [deleting, setDeleting] = useState<string | null>(null);
  const keys = installation.environments.map((environment) => environment.key);
  const moved = (index: number, by: -1 | 1) => {
    const order = [...keys];
    [order[index], order[index + by]] = [order[index + by]!, order[index]!];
    return order.join(',');
  };

  return (
    <section
      aria-labelledby={`installation-${installation.key}`}
      className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={`installation-${installation.key}`} className="text-lg font-semibold">
          {installation.name} <span className="font-mono text-sm text-slate-500">{installation.key}</span>
        </h2>
        <form action={rename} className="flex items-end gap-2">
          <input type="hidden" name="key" value={installation.key} />
          <TextField
            label={`Rename ${installation.name}`}
            name="name"
            id={`rename-${installation.key}`}
            defaultValue={renameState.values?.name ?? installation.name}
            errors={renameState.fieldErrors?.name}
          />
          <Button type="submit" variant="secondary" disabled={isRenaming}>
            Rename
          </Button>
        </form>
      </div>
      <FormMessage state={renameState} />
      <FormMessage state={reorderState} />
      {installation.environments.length === 0 ? (
        <p className="text-sm text-slate-500">No environments yet.</p>
      ) : (
        <ol aria-label={`Lifecycle of ${installation.name}`} className="divide-y divide-slate-100">
          {installation.environments.map((environment, index) => (
            <li key={environment.key} className="flex flex-wrap items-center gap-3 py-2 text-sm">
              <span className="w-6 text-right text-slate-600">{index + 1}.</span>
              <span className="font-medium">{environment.name}</span>
              <span className="font-mono text-xs text-slate-500">{environment.key}</span>
              <span className="text-xs text-slate-500">
                {environment.apiCount} API{environment.apiCount === 1 ? '' : 's'}
              </span>
              <span className="ml-auto flex flex-wrap items-center gap-2">
                {([-1, 1] as const).map((by) => {
                  const isEdge = by === -1 ? index === 0 : index === keys.length - 1;
                  return (
                    <form key={by} action={reorder}>
                      <input type="hidden" name="installation" value={installation.key} />
                      <input
                        type="hidden"
                        name="environments"
                        value={isEdge ? keys.join(',') : moved(index, by)}
                      />
                      <Button
                        type="submit"
                        variant="secondary"
                        disabled={isEdge || isReordering}
                        aria-label={`Move ${environment.name} ${by === -1 ? 'up' : 'down'}`}
                      >
                        {by === -1 ? '↑' : '↓'}
                      </Button>
                    </form>
                  );
                })}
                <Link
                  href={`/environments/${environment.key}/policy`}
                  className="font-semibold text-indigo-700 hover:underline"
                >
                  Settings and policy<span className="sr-only"> of {environment.name}</span>
                </Link>
                <Button
                  type="button"
                  variant="secondary"
                  onClick={() => setDeleting(environment.key)}
                  aria-label={`Delete ${environment.name}`}
                >
                  Delete
                </Button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {deleting && (
        <DeleteEnvironmentDialog
          environment={installation.environments.find((environment) => environment.key === deleting)!}
          action={actions.deleteEnvironment}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

function DeleteEnvironmentDialog({
  environment,
  action,
  onClose,
}: {
  environment: { key: string; name: string };
  action: Action;
  onClose: () => void;
}) {
  const [state, submit, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await action(previous, formData);
    if (next.status === 'success') onClose();
    return next;
  }, idle);
  return (
    <Dialog open onClose={onClose} title={`Delete ${environment.name}?`}>
      <form action={submit} className="space-y-4">
        <input type="hidden" name="key" value={environment.key} />
        <FormMessage state={state} />
        <p className="text-sm text-slate-600">
          Only an environment nothing depends on can be deleted: no APIs, no promotions, no saved policy.
          Roles held there end.
        </p>
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={onClose}>
            Keep it
          </Button>
          <Button type="submit" variant="danger" disabled={isPending}>
            {isPending ? 'Deleting…' : `Delete ${environment.name}`}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function NewEnvironmentForm({ installations, action }: { installations: Installation[]; action: Action }) {
  const [state, submit, isPending] = useActionState(action, idle);
  const [installationKey, setInstallationKey] = useState(installations[0]?.key ?? '');
  const chosen = installations.find((installation) => installation.key === installationKey);
  return (
    <form
      action={submit}
      aria-labelledby="new-environment-heading"
      className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="new-environment-heading" className="text-lg font-semibold">
        New environment
      </h2>
      <FormMessage state={state} />
      <TextField
        label="Key"
        name="key"
        id="new-environment-key"
        hint="Lowercase letters, digits and -; fixed once the environment holds APIs"
        defaultValue={state.values?.key}
        errors={state.fieldErrors?.key}
      />
      <TextField
        label="Name"
        name="name"
        id="new-environment-name"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      <SelectField
        label="Installation"
        name="installation"
        id="new-environment-installation"
        value={installationKey}
        onChange={(event) => setInstallationKey(event.target.value)}
        errors={state.fieldErrors?.installation}
      >
        {installations.map((installation) => (
          <option key={installation.key} value={installation.key}>
            {installation.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Place in the lifecycle"
        name="after"
        id="new-environment-after"
        defaultValue=""
        errors={state.fieldErrors?.after}
      >
        <option value="">Last</option>
        <option value="^">First</option>
        {chosen?.environments.map((environment) => (
          <option key={environment.key} value={environment.key}>
            After {environment.name}
          </option>
        ))}
      </SelectField>
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Creating…' : 'Create environment'}
      </Button>
    </form>
  );
}

function NewInstallationForm({ action }: { action: Action }) {
  const [state, submit, isPending] = useActionState(action, idle);
  return (
    <form
      action={submit}
      aria-labelledby="new-installation-heading"
      className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200"
    >
      <h2 id="new-installation-heading" className="text-lg font-semibold">
        New installation
      </h2>
      <FormMessage state={state} />
      <TextField
        label="Installation key"
        name="key"
        id="new-installation-key"
        defaultValue={state.values?.key}
        errors={state.fieldErrors?.key}
      />
      <TextField
        label="Installation name"
        name="name"
        id="new-installation-name"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      <Button type="submit" disabled={isPending}>
        {isPending ? 'Creating…' : 'Create installation'}
      </Button>
    </form>
  );
}
