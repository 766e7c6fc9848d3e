'use client';

import { Failure } from '@/components/ui/failure';

import './globals.css';

/** A failure in the root layout itself: it replaces the whole document, so it brings its own. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Failure error={error} retry={retry} as="main" />
      </body>
    </html>
  );
}
