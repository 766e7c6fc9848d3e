'use server';

import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { emailPreferences, setEmailPreference } from '@/lib/users/email-preference';

// A public endpoint: formAction authenticates, the domain function validates and audits.
export const setEmailPreferenceAction = formAction(
  z.object({ emailNotifications: z.string().default('') }),
  (actor, input) => setEmailPreference(actor, input as never),
  (choice) => ({ status: 'success', message: `Saved: ${emailPreferences[choice].toLowerCase()}.` }),
);
