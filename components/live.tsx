'use client';

import dynamic from 'next/dynamic';
import type { ComponentType, ReactNode } from 'react';

/**
 * A widget that keeps itself fresh with react-query (the bell, the Tasks badge, the inbox). It is
 * loaded after the page, together with react-query, so no page's first load pays for either; it
 * runs in the browser only, on the page's one query client (lib/query-client.ts). `fallback` is
 * rendered until then, on the server and while the code loads.
 */
export function live<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: () => ReactNode,
): ComponentType<P> {
  return dynamic<P>(
    async () => {
      const [{ QueryClientProvider }, { browserQueryClient }, Widget] = await Promise.all([
        import('@tanstack/react-query'),
        import('@/lib/query-client'),
        load(),
      ]);
      return function LiveWidget(props: P) {
        return (
          <QueryClientProvider client={browserQueryClient()}>
            <Widget {...props} />
          </QueryClientProvider>
        );
      };
    },
    { ssr: false, loading: fallback },
  );
}
