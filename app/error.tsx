'use client';

import { Failure } from '@/components/ui/failure';

/** A failure outside the console (sign-in): the app's own page, never the browser's. */
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return <Failure error={error} retry={retry} as="main" />;
}
