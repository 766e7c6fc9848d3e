import 'server-only';

import { z } from 'zod';

import { roleBindings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { runAudited } from '@/lib/audit/run-audited';
import type { Actor } from '@/lib/auth/actor';
import { refuseUnlessOrgAdmin } from '@/lib/auth/org-admin';
import { isRole } from '@/lib/auth/permissions';
import { AppError, parseInput, uniqueViolation } from '@/lib/errors';
import { refuseLosingLastAdmin } from '@/lib/users/last-admin';

import { describeBinding, resolveRoleTarget, roleEvent, roleTargetInput } from './role-target';

export const grantRoleInput = roleTargetInput.extend({ role: z.string().trim().min(1, 'Choose a role') });

export type GrantRoleInput = z.input<typeof grantRoleInput>;

/**
 * Gives a user a role at a scope, replacing the role they held there (one per user and scope).
 * Organization admins only; the refusal of anyone else is recorded.
 */
export async function grantRole(
  actor: Actor,
  rawInput: GrantRoleInput,
): Promise<{ userId: string; scope: string; role: string; previousRole: string | null }> {
  await refuseUnlessOrgAdmin(actor, roleEvent('role.granted', rawInput));
  const input = parseInput(grantRoleInput, rawInput);
  try {
    return await runAudited(actor, async (tx) => {
      const target = await resolveRoleTarget(tx, input);
      if (target.scope === 'organization' && input.role !== 'ADMIN') {
        await refuseLosingLastAdmin(tx, target.user.id, 'demoted');
      }
      if (!isRole(target.scope, input.role)) {
        throw new AppError('validation', 'The request is invalid.', {
          fieldErrors: { role: [`"${input.role}" is not a role at ${target.scope} scope`] },
        });
      }
      const [existing] = await tx.select().from(roleBindings).where(target.where).for('update');
      if (existing?.role === input.role) {
        throw new AppError('no_changes', `${target.user.name} already holds ${input.role} there.`);
      }
      if (existing) {
        await tx.update(roleBindings).set({ role: input.role, createdBy: actor.userId }).where(target.where);
      } else {
        await tx.insert(roleBindings).values({
          userId: target.user.id,
          scope: target.scope,
          environmentId: target.environment?.id ?? null,
          apiId: target.apiId,
          role: input.role,
          createdBy: actor.userId,
        });
      }
      await recordAudit(tx, actor, {
        action: 'role.granted',
        environmentIds: target.environment ? [target.environment.id] : [],
        target: { type: 'user', id: target.user.id },
        changes: {
          before: existing ? describeBinding(target, existing.role) : undefined,
          after: describeBinding(target, input.role),
        },
      });
      return {
        userId: target.user.id,
        scope: target.scope,
        role: input.role,
        previousRole: existing?.role ?? null,
      };
    });
  } catch (error) {
    // Two admins granting the same user a first role at once: one insert wins, the other retries.
    if (uniqueViolation(error)) throw new AppError('conflict', 'This role changed meanwhile. Try again.');
    throw error;
  }
}
