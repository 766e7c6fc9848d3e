import { QueryClient } from '@tanstack/react-query';

/** Lists refresh by themselves within 30 s; a 4xx answer is final and is not retried. */
function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => {
          const status = (error as { status?: number }).status;
          if (status && status >= 400 && status < 500) return false;
          return failureCount < 3;
        },
      },
    },
  });
}

let browserClient: QueryClient | undefined;

/**
 * The page's one query client, shared by every live widget (the bell, the Tasks badge, the inbox),
 * so a decision that invalidates ['tasks'] refreshes all of them. Widgets run only in the browser
 * (components/live.tsx); react-query is loaded with them, after the page, never in its first load.
 */
export function browserQueryClient(): QueryClient {
  browserClient ??= makeQueryClient();
  return browserClient;
}

/** Re-reads every query under `key` (e.g. ['tasks']) if the live widgets are loaded; cheap if not. */
export function invalidateLive(key: string[]): void {
  void browserQueryClient().invalidateQueries({ queryKey: key });
}
