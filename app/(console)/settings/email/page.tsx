import type { Metadata } from 'next';

import { EmailPreferenceForm } from '@/components/settings/email-preference-form';
import { requireActor } from '@/lib/auth/session';
import { isEmailEnabled } from '@/lib/email/mailer';
import { emailPreferences, getEmailPreference } from '@/lib/users/email-preference';

import { setEmailPreferenceAction } from './actions';

export const metadata: Metadata = { title: 'Email' };

export default async function EmailSettingsPage() {
  const actor = await requireActor();
  return (
    <div className="max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Email</h1>
        <p className="text-sm text-slate-600">
          Stageway emails {actor.email} when a promotion waits for your approval, and with each approval and
          the outcome of your own requests.
        </p>
      </div>
      <EmailPreferenceForm
        action={setEmailPreferenceAction}
        current={await getEmailPreference(actor)}
        options={emailPreferences}
        emailEnabled={isEmailEnabled()}
      />
    </div>
  );
}
