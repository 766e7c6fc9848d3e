'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { createApiToken } from '@/lib/tokens/create-api-token';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';

// Each action is a public endpoint: formAction authenticates, and the domain function authorizes and
// validates (names, expiry), so the schemas here only shape the form data.

export const createTokenAction = formAction(
  z.object({ name: z.string().default(''), expiresAt: z.string().optional() }),
  (actor, input) => createApiToken(actor, input),
  ({ token, apiToken }) => {
    revalidatePath('/settings/tokens');
    // The plaintext goes back to the browser this once, in the action's answer; it is stored nowhere.
    return {
      status: 'success',
      message: `Token "${apiToken.name}" created.`,
      values: { token, tokenName: apiToken.name },
    };
  },
);

export const revokeTokenAction = formAction(
  z.object({ tokenId: z.string() }),
  (actor, input) => revokeApiToken(actor, input.tokenId),
  (revoked) => {
    revalidatePath('/settings/tokens');
    return { status: 'success', message: `Token "${revoked.name}" revoked: it no longer works.` };
  },
);
