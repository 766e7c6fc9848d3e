'use client';

import { Failure } from '@/components/ui/failure';

/** A failure in a console page: shown inside the console's own frame and `<main>`, header and all. */
export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  return <Failure error={error} retry={retry} />;
}
