import type { Metadata } from 'next';
import localFont from 'next/font/local';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';

import { themeCookie, themeOf } from '@/components/console/theme-cookie';
import { Providers } from '@/components/providers';

import './globals.css';

// Served from the package, never fetched: the console must start without internet access.
const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  variable: '--font-inter',
  display: 'swap',
});

export const metadata: Metadata = {
  title: { default: 'Stageway', template: '%s · Stageway' },
  description: 'Promote API definitions between environments with approvals and an audit trail.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Light, dark, or the system's choice (app/globals.css): known before the first paint, so no flash.
  const theme = themeOf((await cookies()).get(themeCookie)?.value);
  return (
    <html lang="en" className={inter.variable} data-theme={theme}>
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
