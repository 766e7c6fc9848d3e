import 'server-only';

import type { AuditEventInput } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';

import type { Actor } from './actor';

/**
 * Administration is for organization admins: anyone else is told there is nothing here (404) before
 * their input is even read, and the attempt is audited as denied.
 */
export async function refuseUnlessOrgAdmin(actor: Actor, event: AuditEventInput): Promise<void> {
  if (actor.isOrgAdmin) return;
  await runAudited(actor, async () => {
    throw new DeniedError('Not found.', event, { code: 'not_found' });
  });
}
