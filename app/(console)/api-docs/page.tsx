import type { Metadata } from 'next';

import { Badge } from '@/components/ui/badge';
import { requireActor } from '@/lib/auth/session';
import { problemTitles } from '@/lib/http/problem';
import { openApiDocument } from '@/lib/http/openapi';

export const metadata: Metadata = { title: 'REST API' };

type Operation = {
  operationId: string;
  summary: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { description: string }>;
};

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

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export default async function ApiDocsPage() {
  await requireActor();
  const document = openApiDocument() as { paths: Record<string, Record<string, Operation>> };

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
        {Object.entries(document.paths).flatMap(([path, item]) =>
          // A path item also holds `servers` (the dialects' own base URLs): only its operations are listed.
          Object.entries(item)
            .filter(([method]) => httpMethods.has(method))
            .map(([method, operation]) => (
              <article
                key={`${method} ${path}`}
                id={operation.operationId}
                className="rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200"
              >
                <h3 className="flex flex-wrap items-center gap-2 font-mono text-sm">
                  <Badge tone={method === 'get' ? 'green' : 'indigo'}>{method.toUpperCase()}</Badge>
                  /api/v1{path}
                </h3>
                <p className="mt-1 text-sm text-slate-700">{operation.summary}</p>
                {operation.parameters?.length ? (
                  <p className="mt-2 text-xs text-slate-600">
                    Parameters:{' '}
                    {operation.parameters
                      .map(
                        (parameter) =>
                          `${parameter.name} (${parameter.in}${parameter.required ? ', required' : ''})`,
                      )
                      .join(', ')}
                  </p>
                ) : null}
                {operation.requestBody && (
                  <p className="mt-1 text-xs text-slate-600">
                    Body:{' '}
                    <code>
                      {Object.values(operation.requestBody.content)[0]?.schema.$ref?.split('/').at(-1) ??
                        Object.keys(operation.requestBody.content).join(', ')}
                    </code>{' '}
                    (JSON)
                  </p>
                )}
                <ul className="mt-2 flex flex-wrap gap-2 text-xs">
                  {Object.entries(operation.responses).map(([status, response]) => (
                    <li key={status} title={response.description}>
                      <Badge tone={status.startsWith('2') ? 'green' : 'gray'}>{status}</Badge>
                    </li>
                  ))}
                </ul>
              </article>
            )),
        )}
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
