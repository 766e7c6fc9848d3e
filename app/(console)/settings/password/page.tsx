import type { Metadata } from 'next';

import { ChangePasswordForm } from '@/components/settings/change-password-form';
import { requireActor } from '@/lib/auth/session';
import { passwordRules } from '@/lib/auth/sessions';

import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Change password' };

export default async function ChangePasswordPage() {
  await requireActor();
  return (
    <div className="max-w-md space-y-4">
      <h1 className="text-2xl font-bold tracking-tight">Change password</h1>
      <ChangePasswordForm action={changePasswordAction} rules={passwordRules} />
    </div>
  );
}
