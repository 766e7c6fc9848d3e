'use client';

import { useState } from 'react';

import { cn } from '@/lib/utils';

import { themeCookie, themeOf, themes, type Theme } from './theme-cookie';

const labels: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = theme;
  document.cookie = `${themeCookie}=${theme}; path=/; max-age=31536000; samesite=lax`;
}

/** Three buttons in the user menu: applied at once, and remembered for the next visit (a cookie). */
export function ThemePicker() {
  const [theme, setTheme] = useState<Theme>(() =>
    typeof document === 'undefined' ? 'system' : themeOf(document.documentElement.dataset.theme),
  );
  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next);
  };
  return (
    <div role="group" aria-label="Theme" className="flex items-center gap-1 px-3 py-2">
      <span className="mr-auto text-sm text-slate-700">Theme</span>
      {themes.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={theme === option}
          onClick={() => choose(option)}
          className={cn(
            'rounded px-2 py-1 text-xs font-medium ring-1 ring-inset',
            theme === option
              ? 'bg-indigo-600 text-white ring-indigo-600'
              : 'text-slate-700 ring-slate-300 hover:bg-slate-100',
          )}
        >
          {labels[option]}
        </button>
      ))}
    </div>
  );
}
