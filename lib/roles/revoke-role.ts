import 'server-only';

import { eq } from 'drizzle-orm';

import { roleBindings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { notFound, parseInput } from '@/lib/errors';
import { refuseLosingLastAdmin } from '@/lib/users/last-admin';

import { describeBinding, resolveRoleTarget, roleEvent, roleTargetInput } from './role-target';

export const revokeRoleInput = roleTargetInput;

/**
 * Takes a user's role at a scope away. Organization admins only; the last organization admin stays,
 * so that someone can always manage the organization.
 */
export async function revokeRole(
  actor: Actor,
  rawInput: unknown,
): Promise<{ userId: string; scope: string; role: string }> {
  await refuseUnlessOrgAdmin(actor, roleEvent('role.revoked', rawInput));
  const input = parseInput(revokeRoleInput, rawInput);
  return runAudited(actor, async (tx) => {
    const target = await resolveRoleTarget(tx, input);
    if (target.scope === 'organization') await refuseLosingLastAdmin(tx, target.user.id, 'demoted');
    const [existing] = await tx.select().from(roleBindings).where(target.where).for('update');
    if (!existing) throw notFound('Role');
    await tx.delete(roleBindings).where(eq(roleBindings.id, existing.id));
    await recordAudit(tx, actor, {
      action: 'role.revoked',
      environmentIds: target.environment ? [target.environment.id] : [],
      target: { type: 'user', id: target.user.id },
      changes: { before: describeBinding(target, existing.role) },
    });
    return { userId: target.user.id, scope: target.scope, role: existing.role };
  });
}
