import type { NextRequest } from 'next/server';

import { handlers } from '@/lib/auth/auth';
import { requestContextFrom } from '@/lib/auth/request-context';
import { signInRetryAfter } from '@/lib/auth/sign-in';
import { problem } from '@/lib/http/problem';

export const GET = handlers.GET;

/** A client that keeps failing gets a 429 here, before next-auth looks at the credentials. */
export async function POST(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith('/callback/credentials')) {
    const retryAfter = await signInRetryAfter(requestContextFrom(request.headers));
    if (retryAfter > 0) {
      return problem(
        429,
        'Too many failed sign-ins',
        'Too many failed sign-ins: wait a little, then try again.',
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
  }
  return handlers.POST(request);
}
