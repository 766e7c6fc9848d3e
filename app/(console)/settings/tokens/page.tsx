import type { Metadata } from 'next';

import { requireActor } from '@/lib/auth/session';
import { listApiTokens } from '@/lib/tokens/queries';

import { CreateTokenForm } from './_components/create-token-form';
import { TokenTable } from './_components/token-table';

export const metadata: Metadata = { title: 'API tokens' };

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export default async function ApiTokensPage() {
  const actor = await requireActor();
  const tokens = await listApiTokens(actor);
  // The date picker's bounds mirror the domain's rule (future, at most a year); the domain decides.
  const now = new Date();
  const oneYear = new Date(now);
  oneYear.setUTCFullYear(oneYear.getUTCFullYear() + 1);

  return (
    <div className="max-w-4xl space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">API tokens</h1>
        <p className="text-sm text-slate-600">
          A token lets a script or CI pipeline call the Stageway REST API as you, with the permissions you
          hold at the time of each request. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
      </div>
      <section aria-labelledby="create-token" className="space-y-3">
        <h2 id="create-token" className="text-lg font-semibold">
          Create a token
        </h2>
        <CreateTokenForm
          minExpiry={isoDay(new Date(now.getTime() + 86_400_000))}
          maxExpiry={isoDay(oneYear)}
        />
      </section>
      <section aria-labelledby="your-tokens" className="space-y-3">
        <h2 id="your-tokens" className="text-lg font-semibold">
          Your tokens
        </h2>
        <TokenTable tokens={tokens} />
      </section>
    </div>
  );
}
