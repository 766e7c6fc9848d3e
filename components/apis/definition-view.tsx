import type { ReactNode } from 'react';

import { Badge } from '@/components/ui/badge';
import type { ApiDefinition } from '@/db/definition';

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section
      aria-labelledby={`section-${title}`}
      className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200"
    >
      <h2
        id={`section-${title}`}
        className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900"
      >
        {title}
        {count !== undefined && <span className="ml-2 font-normal text-slate-500">{count}</span>}
      </h2>
      <div className="p-4 text-sm">{children}</div>
    </section>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="text-slate-500">{children}</p>;
}

function KeyValues({ items, empty }: { items: { key: string; value: string }[]; empty: string }) {
  if (!items.length) return <Empty>{empty}</Empty>;
  return (
    <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-1">
      {items.map((item) => (
        <div key={item.key} className="contents">
          <dt className="font-mono text-slate-600">{item.key}</dt>
          <dd className="break-all font-mono text-slate-900">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** An API definition in readable form: what it exposes, to whom, and how. */
export function DefinitionView({ definition }: { definition: ApiDefinition }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Section title="Endpoints" count={definition.endpoints.length}>
        <ul className="space-y-2">
          {definition.endpoints.map((endpoint) => (
            <li key={endpoint.name} className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{endpoint.name}</span>
              <code className="break-all text-slate-600">{endpoint.target}</code>
              <Badge>weight {endpoint.weight}</Badge>
              {endpoint.backup && <Badge tone="amber">backup</Badge>}
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Plans" count={definition.plans.length}>
        {definition.plans.length ? (
          <ul className="space-y-3">
            {definition.plans.map((plan) => (
              <li key={plan.name}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{plan.name}</span>
                  <Badge tone={plan.security === 'KEYLESS' ? 'amber' : 'indigo'}>
                    {plan.security === 'KEYLESS' ? 'Keyless (no security)' : plan.security}
                  </Badge>
                  <Badge tone={plan.status === 'PUBLISHED' ? 'green' : 'gray'}>{plan.status}</Badge>
                  {plan.rateLimit && (
                    <Badge>
                      {plan.rateLimit.limit} requests / {plan.rateLimit.periodSeconds} s
                    </Badge>
                  )}
                </div>
                {plan.description && <p className="mt-1 text-slate-600">{plan.description}</p>}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No plans: nobody can subscribe yet.</Empty>
        )}
      </Section>

      <Section title="Flows" count={definition.flows.length}>
        {definition.flows.length ? (
          <ul className="space-y-3">
            {definition.flows.map((flow) => (
              <li key={`${flow.name}-${flow.path}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{flow.name}</span>
                  <code className="text-slate-600">{flow.path}</code>
                  {(flow.methods.length ? flow.methods : ['ALL']).map((method) => (
                    <Badge key={method}>{method}</Badge>
                  ))}
                </div>
                {flow.steps.length > 0 && (
                  <ol className="mt-1 list-inside list-decimal text-slate-600">
                    {flow.steps.map((step, index) => (
                      <li key={index}>
                        <span className="font-mono">{step.policy}</span>
                        {step.description && <span> — {step.description}</span>}
                      </li>
                    ))}
                  </ol>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No flows: requests pass straight through.</Empty>
        )}
      </Section>

      <Section title="Properties" count={definition.properties.length}>
        <KeyValues items={definition.properties} empty="No properties." />
      </Section>

      <Section title="Pages" count={definition.pages.length}>
        {definition.pages.length ? (
          <ul className="space-y-2">
            {definition.pages.map((page) => (
              <li key={page.title}>
                <details>
                  <summary className="cursor-pointer">
                    <span className="font-medium">{page.title}</span> <Badge>{page.type}</Badge>{' '}
                    {page.published ? <Badge tone="green">published</Badge> : <Badge>draft</Badge>}
                  </summary>
                  <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 text-xs text-slate-700">
                    {page.content}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No documentation pages.</Empty>
        )}
      </Section>

      <Section title="Metadata" count={definition.metadata.length}>
        <KeyValues items={definition.metadata} empty="No metadata." />
      </Section>
    </div>
  );
}
