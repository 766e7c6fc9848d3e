'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { createEnvironment } from '@/lib/environments/create-environment';
import { deleteEnvironment } from '@/lib/environments/delete-environment';
import { createInstallation, renameInstallation } from '@/lib/environments/installation-writes';
import { reorderEnvironments } from '@/lib/environments/reorder-environments';

// Each action is a public endpoint: formAction authenticates; the domain function refuses non-admins.

const done = (message: string) => () => {
  revalidatePath('/', 'layout');
  return { status: 'success' as const, message };
};

export const createInstallationAction = formAction(
  z.object({ key: z.string(), name: z.string() }),
  (actor, input) => createInstallation(actor, input),
  done('Installation created.'),
);

export const renameInstallationAction = formAction(
  z.object({ key: z.string(), name: z.string() }),
  (actor, input) => renameInstallation(actor, input),
  done('Installation renamed.'),
);

export const createEnvironmentAction = formAction(
  z.object({ key: z.string(), name: z.string(), installation: z.string(), after: z.string().optional() }),
  (actor, input) =>
    createEnvironment(actor, {
      ...input,
      // The form's "place": empty for last, "^" for first, else the environment it follows.
      after: !input.after ? undefined : input.after === '^' ? null : input.after,
    }),
  done('Environment created.'),
);

export const reorderEnvironmentsAction = formAction(
  z.object({ installation: z.string(), environments: z.string() }),
  (actor, input) =>
    reorderEnvironments(actor, {
      installation: input.installation,
      environments: input.environments.split(','),
    }),
  done('Lifecycle reordered.'),
);

export const deleteEnvironmentAction = formAction(
  z.object({ key: z.string() }),
  (actor, input) => deleteEnvironment(actor, input.key),
  done('Environment deleted.'),
);
