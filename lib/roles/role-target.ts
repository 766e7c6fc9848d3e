import 'server-only';

import { and, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';

import type { Tx } from '@/db';
import { apis, environments, roleBindings, users } from '@/db/schema';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/** Who and where a role binding is: the user and the scope (organization, an environment, an API). */
export const roleTargetInput = z.object({
  userId: z.string(),
  scope: z.enum(['organization', 'environment', 'api'], 'Choose organization, environment or API'),
  /** The environment by id, or by key (`environment`). */
  environmentId: z.string().optional(),
  environment: z.string().optional(),
  apiId: z.string().optional(),
});

export type RoleTarget = {
  user: { id: string; name: string; email: string };
  scope: 'organization' | 'environment' | 'api';
  environment: { id: string; key: string } | null;
  apiId: string | null;
  /** Matches the one binding this user may hold at this scope (one role per user and scope). */
  where: SQL;
};

/** Resolves a role target in the database: unknown users, environments and APIs are not_found. */
export async function resolveRoleTarget(tx: Tx, input: z.infer<typeof roleTargetInput>): Promise<RoleTarget> {
  if (!isUuid(input.userId)) throw notFound('User');
  const [user] = await tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user) throw notFound('User');

  const ofUser = and(eq(roleBindings.userId, user.id), eq(roleBindings.scope, input.scope))!;
  if (input.scope === 'organization')
    return { user, scope: input.scope, environment: null, apiId: null, where: ofUser };

  if (input.scope === 'environment') {
    if (!input.environment && !isUuid(input.environmentId)) throw notFound('Environment');
    const [environment] = await tx
      .select({ id: environments.id, key: environments.key })
      .from(environments)
      .where(
        input.environment
          ? eq(environments.key, input.environment)
          : eq(environments.id, input.environmentId!),
      );
    if (!environment) throw notFound('Environment');
    return {
      user,
      scope: input.scope,
      environment,
      apiId: null,
      where: and(ofUser, eq(roleBindings.environmentId, environment.id))!,
    };
  }

  if (!isUuid(input.apiId)) throw notFound('API');
  const [api] = await tx
    .select({ id: apis.id, environmentId: environments.id, environmentKey: environments.key })
    .from(apis)
    .innerJoin(environments, eq(environments.id, apis.environmentId))
    .where(eq(apis.id, input.apiId));
  if (!api) throw notFound('API');
  return {
    user,
    scope: input.scope,
    environment: { id: api.environmentId, key: api.environmentKey },
    apiId: api.id,
    where: and(ofUser, eq(roleBindings.apiId, api.id))!,
  };
}

/** How a binding reads in the audit trail: the scope by key, never only by id. */
export function describeBinding(target: RoleTarget, role: string) {
  return {
    user: target.user.email,
    scope: target.scope,
    ...(target.environment && { environment: target.environment.key }),
    ...(target.apiId && { apiId: target.apiId }),
    role,
  };
}

/** The event a refused role change is recorded as, read from input not yet validated. */
export function roleEvent(action: 'role.granted' | 'role.revoked', rawInput: unknown) {
  const userId = (rawInput as { userId?: unknown } | null)?.userId;
  return { action, target: { type: 'user', id: typeof userId === 'string' ? userId : 'unknown' } } as const;
}
