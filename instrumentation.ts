/**
 * Runs once when the server starts: refuses to start without the configuration it needs, brings the
 * schema up to date, and fills an empty embedded database with the demo data.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/server-start');
  await startServer();
}
