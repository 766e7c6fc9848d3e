import 'server-only';

import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';

import type { Tx } from '@/db';
import { roleBindings, users } from '@/db/schema';
import { AppError } from '@/lib/errors';

/**
 * Someone must always be able to run the organization: refuses a change that would leave no enabled
 * organization admin once `userId` stops being one (demoted or disabled). Every admin binding is
 * locked first, in one order, and the count is read after the locks are held, so two admins removing
 * each other at the same moment cannot both succeed.
 */
export async function refuseLosingLastAdmin(tx: Tx, userId: string, what: string): Promise<void> {
  const isAdmin = and(eq(roleBindings.scope, 'organization'), eq(roleBindings.role, 'ADMIN'));
  await tx
    .select({ id: roleBindings.id })
    .from(roleBindings)
    .where(isAdmin)
    .orderBy(asc(roleBindings.id))
    .for('update');
  const [others] = await tx
    .select({ count: count() })
    .from(roleBindings)
    .innerJoin(users, eq(users.id, roleBindings.userId))
    .where(and(isAdmin, isNull(users.disabledAt), ne(roleBindings.userId, userId)));
  const [self] = await tx
    .select({ id: roleBindings.id })
    .from(roleBindings)
    .innerJoin(users, eq(users.id, roleBindings.userId))
    .where(and(isAdmin, isNull(users.disabledAt), eq(roleBindings.userId, userId)));
  if (self && others!.count === 0) {
    throw new AppError(
      'conflict',
      `This is the last organization admin, who cannot be ${what}: make someone else an organization admin first.`,
    );
  }
}
