import { QueryClient } from '@tanstack/react-query';

/** Lists refresh by themselves within 30 s; a 4xx answer is final and is not retried. */
export function makeQueryClient(): QueryClient {
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
