import type { Metadata } from 'next';

import { ApiReference } from '@/components/api-docs/api-reference';
import { requireActor } from '@/lib/auth/session';
import { problemTitles } from '@/lib/http/problem';
import { openApiDocument } from '@/lib/http/openapi';

export const metadata: Metadata = { title: 'REST API' };

const problemDetails: Record<string, string> = {
  validation:
    '400 — the body or query is invalid; `errors` maps each invalid field (dotted path) to its messages.',
  unauthenticated: '401 — no token, or a malformed, unknown, revoked or expired one.',
  forbidden:
    '403 — authenticated, but not allowed to do this on something you can see (the refusal is audited).',
  not_found: '404 — unknown, or outside your reach: Stageway does not tell the difference.',
  conflict:
    '409 — a pending promotion of this API to that target exists (`existingPromotionId` names it), the promotion is already decided, or the API moved past `baseRevision`.',
  payload_too_large: '413 — the body is over 64 KiB.',
  unsupported_media_type: '415 — the body is not JSON.',
  no_changes: '422 — no changes found between source and destination.',
  rate_limited: '429 — too many requests with one token; wait for `Retry-After` seconds.',
  internal: '500 — our fault; nothing was half-applied.',
};

export default async function ApiDocsPage() {
  await requireActor();

  return (
    <div className="max-w-4xl space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">REST API v1</h1>
        <p className="text-sm text-slate-700">
          Base URL <code>/api/v1</code>. Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (a
          bare token is accepted too); create tokens under your user menu. JSON in and out; errors are RFC
          9457 <code>application/problem+json</code>. The machine-readable document is{' '}
          <a className="font-semibold text-indigo-700 hover:underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{' '}
          (OpenAPI 3.1).
        </p>
      </div>

      <section aria-labelledby="operations" className="space-y-4">
        <h2 id="operations" className="text-lg font-semibold">
          Operations
        </h2>
        <ApiReference spec={openApiDocument()} />
      </section>

      <section aria-labelledby="problems" className="space-y-2">
        <h2 id="problems" className="text-lg font-semibold">
          Problems
        </h2>
        <dl className="space-y-2 text-sm">
          {Object.entries(problemDetails).map(([code, text]) => (
            <div key={code} id={`problem-${code}`}>
              <dt className="font-semibold">{problemTitles[code as keyof typeof problemTitles]}</dt>
              <dd className="text-slate-700">{text}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
