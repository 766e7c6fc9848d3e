'use client';

import dynamic from 'next/dynamic';

/**
 * The password form as the console layout shows it to a user who must choose a password: rendered
 * on the server as usual, but in a chunk of its own, so the layout's other pages never load it.
 */
export const ChangePasswordFormLazy = dynamic(() =>
  import('./change-password-form').then((module) => module.ChangePasswordForm),
);
