'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { signOutEverywhere } from '@/lib/auth/sessions';
import { grantRole } from '@/lib/roles/grant-role';
import { revokeRole } from '@/lib/roles/revoke-role';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';
import { createUser, resetUserPassword, setUserDisabled } from '@/lib/users/user-writes';

// Each action is a public endpoint: formAction authenticates; the domain function refuses non-admins.

const done = (message: string) => (data?: Record<string, string>) => {
  revalidatePath('/admin', 'layout');
  return { status: 'success' as const, message, ...(data && { data }) };
};

export const createUserAction = formAction(
  z.object({ email: z.string(), name: z.string(), organizationAdmin: z.string().optional() }),
  (actor, input) => createUser(actor, { ...input, organizationAdmin: input.organizationAdmin === 'on' }),
  (created) =>
    done(`${created.name} can sign in now.`)({
      userId: created.id,
      email: created.email,
      oneTimePassword: created.oneTimePassword ?? '',
    }),
);

export const setUserDisabledAction = formAction(
  z.object({ userId: z.string(), disabled: z.enum(['true', 'false']) }),
  (actor, input) => setUserDisabled(actor, input.userId, input.disabled === 'true'),
  (result) =>
    done(
      result.disabled
        ? `Disabled.${result.endedSessions ? ` ${result.endedSessions} session${result.endedSessions === 1 ? '' : 's'} ended.` : ''}`
        : 'Enabled: they can sign in again.',
    )(),
);

export const resetPasswordAction = formAction(
  z.object({ userId: z.string() }),
  (actor, input) => resetUserPassword(actor, input.userId),
  (reset) => done('Password reset: every session ended.')({ oneTimePassword: reset.oneTimePassword }),
);

export const signOutEverywhereAction = formAction(
  z.object({ userId: z.string() }),
  (actor, input) => signOutEverywhere(actor, input.userId),
  ({ ended }) => done(`Signed out everywhere: ${ended} session${ended === 1 ? '' : 's'} ended.`)(),
);

export const setOrganizationRoleAction = formAction(
  z.object({ userId: z.string(), role: z.string() }),
  (actor, input) => grantRole(actor, { userId: input.userId, scope: 'organization', role: input.role }),
  (granted) =>
    done(granted.role === 'ADMIN' ? 'Now an organization admin.' : 'No longer an organization admin.')(),
);

export const grantEnvironmentRoleAction = formAction(
  z.object({ userId: z.string(), environment: z.string(), role: z.string() }),
  (actor, input) => grantRole(actor, { ...input, scope: 'environment' }),
  (granted) => done(`Granted ${granted.role}.`)(),
);

export const revokeEnvironmentRoleAction = formAction(
  z.object({ userId: z.string(), environment: z.string() }),
  (actor, input) => revokeRole(actor, { ...input, scope: 'environment' }),
  (revoked) => done(`${revoked.role} revoked.`)(),
);

export const revokeTokenAction = formAction(
  z.object({ tokenId: z.string() }),
  (actor, input) => revokeApiToken(actor, input.tokenId),
  (token) => done(`Token "${token.name}" revoked.`)(),
);
