import 'server-only';

import { and, asc, eq } from 'drizzle-orm';

import { roleBindings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { AppError, notFound, parseInput } from '@/lib/errors';

import { describeBinding, resolveRoleTarget, roleTargetInput } from './role-target';

export const revokeRoleInput = roleTargetInput;

/**
 * Takes a user's role at a scope away. Organization admins only; the last organization admin stays,
 * so that someone can always manage the organization.
 */
export async function revokeRole(
  actor: Actor,
  rawInput: unknown,
): Promise<{ userId: string; scope: string; role: string }> {
  const input = parseInput(revokeRoleInput, rawInput);
  return runAudited(actor, async (tx) => {
    if (!actor.isOrgAdmin) {
      throw new DeniedError('Only organization admins manage roles.', {
        action: 'role.revoked',
        target: { type: 'user', id: input.userId },
      });
    }
    const target = await resolveRoleTarget(tx, input);
    // Locks every admin binding, in one order, before the one to revoke: two admins revoking each
    // other at once neither deadlock nor both succeed.
    const admins =
      target.scope === 'organization'
        ? await tx
            .select({ id: roleBindings.id })
            .from(roleBindings)
            .where(and(eq(roleBindings.scope, 'organization'), eq(roleBindings.role, 'ADMIN')))
            .orderBy(asc(roleBindings.id))
            .for('update')
        : [];
    const [existing] = await tx.select().from(roleBindings).where(target.where).for('update');
    if (!existing) throw notFound('Role');
    if (existing.scope === 'organization' && existing.role === 'ADMIN' && admins.length <= 1) {
      throw new AppError(
        'conflict',
        'This is the last organization admin: grant the role to someone else first.',
      );
    }
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
