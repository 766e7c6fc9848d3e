'use client';

import { useRef, useState } from 'react';

import { Button } from '@/components/ui/button';

/** A secret the server returned this once (an API token, a webhook's signing secret), with Copy. */
export function ShownOnce({
  id,
  label,
  value,
  notice,
}: {
  id: string;
  label: string;
  value: string;
  notice: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): select it for a manual copy.
      input.current?.select();
      setCopied('failed');
    }
  };

  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4">
      <p className="text-sm font-medium text-amber-900">{notice}</p>
      <div className="flex gap-2">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <input
          ref={input}
          id={id}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full rounded-md border-0 bg-surface px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300"
        />
        <Button type="button" variant="secondary" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {copied === 'failed' && (
        <p className="text-xs text-amber-900">Copying was refused by the browser: press Ctrl+C (⌘C).</p>
      )}
    </div>
  );
}
