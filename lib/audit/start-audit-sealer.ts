import { publishCheckpoint } from './checkpoints';
import { sealAuditEvents } from './seal-audit-events';

/**
 * Seals new events every few seconds in this server process, and publishes a signed checkpoint of
 * each new head. Every instance may run one: the advisory
 * lock lets one seal at a time and the others skip that round. Verification seals first anyway, so
 * this only keeps the unsealed tail short.
 */
export function startAuditSealer(intervalSeconds: number): () => void {
  if (intervalSeconds <= 0) return () => {};
  let isRunning = false;
  const timer = setInterval(async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      const { seals } = await sealAuditEvents({ wait: false });
      // A new head: sign it and publish it outside the database.
      if (seals > 0) await publishCheckpoint();
    } catch (error) {
      console.error('Stageway: sealing the audit trail failed; the next round retries.', error);
    } finally {
      isRunning = false;
    }
  }, intervalSeconds * 1000);
  // Never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}
