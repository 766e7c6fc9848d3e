'use client';

import dynamic from 'next/dynamic';

// Swagger UI is large: it loads after the page, in its own chunk, only in the browser.
const SwaggerReference = dynamic(() => import('./swagger-reference'), {
  ssr: false,
  loading: () => (
    <p role="status" className="p-4 text-sm">
      Loading the API reference…
    </p>
  ),
});

/**
 * The reference keeps its light colours in dark mode (fixed ones, not the palette's): Swagger UI is
 * styled for them.
 */
export function ApiReference({ spec }: { spec: object }) {
  return (
    <div
      style={{ backgroundColor: '#fff', color: '#0f172a', colorScheme: 'light' }}
      className="overflow-hidden rounded-xl shadow-sm ring-1 ring-slate-200"
    >
      <SwaggerReference spec={spec} />
    </div>
  );
}
