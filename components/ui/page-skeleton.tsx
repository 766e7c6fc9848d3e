/**
 * Shown at once while a page loads (a route's loading.tsx). Only for pages that never answer 404: a
 * route-level loading boundary streams the page's frame before the page runs, so a later notFound()
 * could no longer set the 404 status. Pages that can be 404 put Suspense around their slow parts
 * instead, below the visibility check, and the header's links show their own pending state.
 */
export function PageSkeleton() {
  return (
    <div role="status" aria-label="Loading" className="animate-pulse space-y-4">
      <div className="h-4 w-40 rounded bg-slate-200" />
      <div className="h-8 w-72 rounded bg-slate-200" />
      <div className="h-40 rounded-xl bg-slate-100" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
