import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="text-2xl font-bold tracking-tight">Not found</h1>
      <p className="text-sm text-slate-600">This page does not exist, or you have no access to it.</p>
      <Link href="/" className="text-sm font-semibold text-indigo-700 hover:underline">
        Back to the console
      </Link>
    </main>
  );
}
