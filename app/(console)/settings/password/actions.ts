'use server';

import { formAction } from '@/lib/actions/form-action';
import { changeOwnPassword, changePasswordInput } from '@/lib/auth/sessions';

export const changePasswordAction = formAction(
  changePasswordInput,
  (actor, input) => changeOwnPassword(actor, input),
  ({ endedSessions }) => ({
    status: 'success',
    message: `Password changed.${endedSessions ? ` ${endedSessions} other session${endedSessions === 1 ? '' : 's'} ended.` : ''}`,
  }),
);
