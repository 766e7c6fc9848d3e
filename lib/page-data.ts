import { notFound } from 'next/navigation';

import { isAppError } from '@/lib/errors';

/** For pages: a domain not_found becomes Next's 404 page; anything else propagates. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') notFound();
    throw error;
  }
}
