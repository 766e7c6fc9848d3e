/** Remembers the environment last worked in, so pages outside one (Tasks, Audit…) still show it. */
export const environmentCookie = 'stageway-environment';
