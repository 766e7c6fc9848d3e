'use client';

import { useEffect } from 'react';

import { Button } from '@/components/ui/button';

/**
 * What a failed page shows instead of the browser's own error page: a plain message, the reference
 * that matches the server's log line (never the error itself), and a way to try again. The caller
 * picks the element: `main` where the page has none yet, `div` inside the console's `<main>`.
 */
export function Failure({
  error,
  retry,
  as: Element = 'div',
}: {
  error: unknown;
  retry: () => void;
  as?: 'main' | 'div';
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;
  return (
    <Element className="flex min-h-[50vh] flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-red-700">Something went wrong</p>
      <h1 className="text-2xl font-bold tracking-tight">This page could not be shown</h1>
      <p className="max-w-md text-sm text-slate-600">
        Nothing you did was lost on our side: a change is either saved whole or not at all. Try again, or go
        back to the console.
        {digest && <span className="mt-1 block text-xs text-slate-500">Reference: {digest}</span>}
      </p>
      <div className="flex items-center gap-3">
        <Button type="button" onClick={() => retry()}>
          Try again
        </Button>
        {/* A full load on purpose: after a failure, start from a clean page. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- see above */}
        <a href="/" className="text-sm font-semibold text-indigo-700 hover:underline">
          Back to the console
        </a>
      </div>
    </Element>
  );
}
