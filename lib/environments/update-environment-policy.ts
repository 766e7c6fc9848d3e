import 'server-only';

import { z } from 'zod';

import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, parseInput } from '@/lib/errors';
import { loadPolicy } from '@/lib/promotions/approval-policy';

import { approvalPolicyInput, lockEnvironmentToUpdate, writeApprovalPolicy } from './update-approval-policy';
import { updateEnvironmentSettingsInput, writeEnvironmentSettings } from './update-environment-settings';

export const environmentPolicyInput = z.object({
  settings: updateEnvironmentSettingsInput.omit({ environmentId: true }),
  policy: approvalPolicyInput,
});

export type EnvironmentPolicyInput = z.input<typeof environmentPolicyInput>;

/**
 * The environment policy page's one save: an environment's settings (name, key, allowed sources,
 * direct promotion) and its approval policy with its gates, in one transaction: both apply or
 * neither. Each part that changes is audited on its own (environment.updated, a new policy version).
 */
export async function updateEnvironmentPolicy(
  actor: Actor,
  environmentKey: string,
  rawInput: EnvironmentPolicyInput,
) {
  const input = parseInput(environmentPolicyInput, rawInput);
  return runAudited(actor, async (tx) => {
    const environment = await lockEnvironmentToUpdate(tx, actor, environmentKey, {
      action: 'environment.policy_updated',
      refusal: 'You may not change the policy of this environment.',
    });
    const settings = await inPart('settings', () =>
      writeEnvironmentSettings(tx, actor, environment, input.settings),
    );
    const policyWritten = await inPart('policy', () =>
      writeApprovalPolicy(tx, actor, environment.id, input.policy),
    );
    if (!settings && !policyWritten)
      throw new AppError('no_changes', 'Nothing changed: the policy is the same.');
    return {
      key: settings?.key ?? environment.key,
      settings: settings ?? environment,
      policy: await loadPolicy(tx, environment.id),
    };
  });
}

/** Field errors of one part named from the form's root: `policy.rules.0.groupId`. */
async function inPart<T>(part: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors) {
      throw new AppError(error.code, error.message, {
        details: error.details,
        fieldErrors: Object.fromEntries(
          Object.entries(error.fieldErrors).map(([field, messages]) => [`${part}.${field}`, messages]),
        ),
      });
    }
    throw error;
  }
}
