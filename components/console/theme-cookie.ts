/** The reader's choice of colours: follow the system (the default), or always light or dark. */
export const themeCookie = 'stageway-theme';
export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

export const themeOf = (value: string | undefined): Theme =>
  (themes as readonly string[]).includes(value ?? '') ? (value as Theme) : 'system';
