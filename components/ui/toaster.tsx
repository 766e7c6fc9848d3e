'use client';

import dynamic from 'next/dynamic';
import { useEffect, useRef } from 'react';

import type { FormState } from '@/lib/actions/form-state';

// sonner loads after the page, in its own chunk: no page's first load pays for it.
const Sonner = dynamic(() => import('sonner').then((module) => module.Toaster), { ssr: false });

/** The one place toasts appear (bottom right, announced politely by sonner). */
export function Toaster() {
  return <Sonner position="bottom-right" richColors closeButton duration={6000} />;
}

/**
 * A toast for each new outcome of a form action. It names the outcome in a few words
 * (`titles`); the full message stays in place in the form, where it can be read and acted on.
 */
export function useOutcomeToast(state: FormState, titles: { success?: string; error: string }) {
  const last = useRef<FormState | null>(null);
  useEffect(() => {
    if (state === last.current || state.status === 'idle') return;
    last.current = state;
    const title = state.status === 'success' ? titles.success : titles.error;
    if (!title) return;
    void import('sonner').then(({ toast }) =>
      state.status === 'success' ? toast.success(title) : toast.error(title),
    );
  }, [state, titles.success, titles.error]);
}
