'use client';

import { useState } from 'react';

import { Button } from '@/components/ui/button';

type Result = { isIntact: boolean; message: string; headHash: string | null };

/** Asks the server to seal and verify the whole trail (the same check as the REST API and the CLI). */
export function VerifyButton() {
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'running' }
    | { status: 'done'; result: Result }
    | { status: 'error'; message: string }
  >({ status: 'idle' });

  async function verify() {
    setState({ status: 'running' });
    try {
      const response = await fetch('/api/v1/audit/verify', { cache: 'no-store' });
      const body = await response.json();
      if (!response.ok) setState({ status: 'error', message: body.detail ?? 'Verification failed.' });
      else setState({ status: 'done', result: body });
    } catch {
      setState({ status: 'error', message: 'The server could not be reached. Try again.' });
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button type="button" variant="secondary" onClick={verify} disabled={state.status === 'running'}>
        {state.status === 'running' ? 'Verifying…' : 'Verify'}
      </Button>
      <div aria-live="polite" className="text-sm">
        {state.status === 'done' && (
          <p
            data-testid="verify-result"
            className={state.result.isIntact ? 'text-emerald-700' : 'font-semibold text-red-700'}
          >
            {state.result.isIntact ? '✓ ' : '✗ '}
            {state.result.message}
            {state.result.headHash && (
              <span className="block font-mono text-xs text-slate-500" title="Head seal hash">
                head {state.result.headHash}
              </span>
            )}
          </p>
        )}
        {state.status === 'error' && (
          <p data-testid="verify-result" className="text-red-700">
            {state.message}
          </p>
        )}
      </div>
    </div>
  );
}
