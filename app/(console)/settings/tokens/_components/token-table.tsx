'use client';

import { useActionState, useState } from 'react';

import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DateTime } from '@/components/ui/date-time';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/form-message';
import { idle, type FormState } from '@/lib/actions/form-state';
import type { ApiTokenStatus, ApiTokenSummary } from '@/lib/tokens/queries';

import { revokeTokenAction } from '../actions';

const statusTone: Record<ApiTokenStatus, BadgeTone> = { active: 'green', expired: 'amber', revoked: 'red' };
const statusLabel: Record<ApiTokenStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

function RevokeButton(props: { tokenId: string; name: string; onDone: (state: FormState) => void }) {
  const [isOpen, setIsOpen] = useState(false);
  const [state, action, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await revokeTokenAction(previous, formData);
    if (next.status === 'success') {
      setIsOpen(false);
      props.onDone(next);
    }
    return next;
  }, idle);

  return (
    <>
      <Button type="button" variant="secondary" onClick={() => setIsOpen(true)}>
        Revoke<span className="sr-only"> {props.name}</span>
      </Button>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title={`Revoke the token "${props.name}"?`}>
        <form action={action} className="space-y-4">
          <input type="hidden" name="tokenId" value={props.tokenId} />
          <p className="text-sm text-slate-700">
            Every request that uses it is refused from now on. This cannot be undone.
          </p>
          <FormMessage state={state.status === 'error' ? state : idle} />
          <div className="flex justify-end gap-3">
            <Button type="button" variant="secondary" onClick={() => setIsOpen(false)}>
              Back
            </Button>
            <Button type="submit" variant="danger" disabled={isPending}>
              Revoke token
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

const never = <span className="text-slate-500">Never</span>;

export function TokenTable({ tokens }: { tokens: ApiTokenSummary[] }) {
  const [outcome, setOutcome] = useState<FormState | null>(null);

  if (!tokens.length) return <p className="text-sm text-slate-600">You have no API tokens yet.</p>;
  return (
    <div className="space-y-3">
      {outcome && <FormMessage state={outcome} />}
      <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
        <table aria-label="API tokens" className="min-w-full divide-y divide-slate-200 bg-surface text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th className="px-3 py-2">Name</th>
              <th className="px-3 py-2">Token</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2">Expires</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tokens.map((token) => (
              <tr key={token.id}>
                <td className="px-3 py-2 font-medium text-slate-900">{token.name}</td>
                <td className="px-3 py-2 font-mono text-slate-700">{token.prefix}…</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <DateTime value={token.createdAt} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {token.lastUsedAt ? <DateTime value={token.lastUsedAt} /> : never}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {token.expiresAt ? <DateTime value={token.expiresAt} /> : never}
                </td>
                <td className="px-3 py-2">
                  <Badge tone={statusTone[token.status]}>{statusLabel[token.status]}</Badge>
                </td>
                <td className="px-3 py-2 text-right">
                  {token.status === 'active' && (
                    <RevokeButton tokenId={token.id} name={token.name} onDone={setOutcome} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
