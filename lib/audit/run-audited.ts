import 'server-only';

import { getDb, type Tx } from '@/db';
import type { Actor } from '@/lib/auth/actor';
import { AppError, type ErrorCode } from '@/lib/errors';

import { recordAudit, type AuditActor, type AuditEventInput } from './record';

/** A refusal that is itself recorded: thrown inside a write, audited after its rollback. */
export class DeniedError extends AppError {
  readonly event: AuditEventInput;

  constructor(
    message: string,
    event: AuditEventInput,
    options: { code?: ErrorCode; details?: Record<string, unknown> } = {},
  ) {
    super(options.code ?? 'forbidden', message, { details: options.details });
    this.event = { ...event, outcome: 'denied', reason: event.reason ?? message };
  }
}

/**
 * Runs one domain write in one transaction. A DeniedError rolls the write back and then records the
 * refusal in a transaction of its own, so the rollback does not take the record with it. The actor is
 * a signed-in one, or the system acting for a script.
 */
export async function runAudited<T>(actor: Actor | AuditActor, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await getDb().transaction(work);
  } catch (error) {
    if (error instanceof DeniedError) {
      await getDb().transaction((tx) => recordAudit(tx, actor, error.event));
    }
    throw error;
  }
}
