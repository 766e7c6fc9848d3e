'use server';

import { revalidatePath } from 'next/cache';

import { formAction } from '@/lib/actions/form-action';
import { changeOwnPassword, changePasswordInput } from '@/lib/auth/sessions';

export const changePasswordAction = formAction(
  changePasswordInput,
  (actor, input) => changeOwnPassword(actor, input),
  ({ endedSessions, wasRequired }) => {
    // A first password chosen: the page asked for shows now.
    if (wasRequired) revalidatePath('/', 'layout');
    return {
      status: 'success',
      message: `Password changed.${endedSessions ? ` ${endedSessions} other session${endedSessions === 1 ? '' : 's'} ended.` : ''}`,
    };
  },
  { forPasswordChange: true },
);
