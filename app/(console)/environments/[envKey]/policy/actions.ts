'use server';

import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { AppError } from '@/lib/errors';
import { updateEnvironmentPolicy } from '@/lib/environments/update-environment-policy';

// A public endpoint: formAction authenticates, updateEnvironmentPolicy authorizes and validates.
export const updateEnvironmentPolicyAction = formAction(
  z.object({ environmentKey: z.string(), payload: z.string() }),
  (actor, input) => {
    let payload: unknown;
    try {
      payload = JSON.parse(input.payload);
    } catch {
      throw new AppError('validation', 'The form could not be read: reload the page.');
    }
    return updateEnvironmentPolicy(actor, input.environmentKey, payload as never);
  },
  (saved) => ({
    status: 'success',
    message: `Saved: the approval policy is at version ${saved.policy.version}.`,
    values: { key: saved.key },
  }),
);
