import 'server-only';

import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';

import { approvalPolicies, apis, promotionApprovals, promotions } from '@/db/schema';
import { can, type Actor, type Roles } from '@/lib/auth/actor';

/**
 * Who may see and decide a promotion. Both the writes and the screens ask these, and each rule exists
 * twice on purpose — per promotion (`whyCannotApprove`) and as a SQL scope (`approvableWhere`) — side
 * by side here, with a property test (rules.test.ts) that they agree.
 */

export type PromotionAction = 'create' | 'update';

export type PromotionFacts = {
  apiId: string;
  sourceEnvironmentId: string;
  targetEnvironmentId: string;
  requestedBy: string;
};

/** What approving a promotion depends on besides the approver's roles. */
export type ApprovalFacts = {
  targetEnvironmentId: string;
  requestedBy: string;
  authorIds: string[];
};

export type { Roles };

/** Accepting creates the API in the target unless an API with the same cross id is already there. */
export function promotionAction(targetApiExists: boolean): PromotionAction {
  return targetApiExists ? 'update' : 'create';
}

/** Why a target refuses promotions from a source it does not list: "PROD accepts promotions from DEMO only." */
export function sourceRefusal(targetName: string, allowedSourceNames: string[]): string {
  if (allowedSourceNames.length === 0) return `${targetName} accepts no promotions.`;
  const names =
    allowedSourceNames.length === 1
      ? allowedSourceNames[0]
      : `${allowedSourceNames.slice(0, -1).join(', ')} and ${allowedSourceNames.at(-1)}`;
  return `${targetName} accepts promotions from ${names} only.`;
}

export function mayDecideInTarget(
  actor: Roles,
  targetEnvironmentId: string,
  action: PromotionAction,
): boolean {
  return can(actor, action === 'create' ? 'API:CREATE' : 'API:UPDATE', {
    environmentId: targetEnvironmentId,
  });
}

/**
 * Who may see a promotion: its requester, whoever may see the source API, and whoever may decide
 * promotions into the target. Anyone else is told it does not exist.
 */
export function canSeePromotion(actor: Actor, promotion: PromotionFacts): boolean {
  return (
    promotion.requestedBy === actor.userId ||
    can(actor, 'DEFINITION:READ', { apiId: promotion.apiId, environmentId: promotion.sourceEnvironmentId }) ||
    mayDecideInTarget(actor, promotion.targetEnvironmentId, 'create') ||
    mayDecideInTarget(actor, promotion.targetEnvironmentId, 'update')
  );
}

function permissionRefusal(action: PromotionAction, targetName: string): string {
  return action === 'create'
    ? `Accepting creates an API in ${targetName}: that needs permission to create APIs there (API:CREATE).`
    : `Accepting updates an API in ${targetName}: that needs permission to update APIs there (API:UPDATE).`;
}

/**
 * Why this actor may not reject this promotion now, or null when they may: the permission accepting
 * it needs, and not their own request unless the target allows self-approval (they cancel it instead).
 */
export function whyCannotDecide(
  actor: Roles & { userId: string },
  promotion: { targetEnvironmentId: string; requestedBy: string },
  action: PromotionAction,
  target: { name: string; selfApprovalAllowed: boolean },
): string | null {
  if (!mayDecideInTarget(actor, promotion.targetEnvironmentId, action)) {
    return permissionRefusal(action, target.name);
  }
  if (promotion.requestedBy === actor.userId && !target.selfApprovalAllowed) {
    return `You requested this promotion, and ${target.name} does not allow approving your own requests.`;
  }
  return null;
}

/**
 * Why this actor may not approve this pending promotion now, or null when they may: everything
 * rejecting needs, not an author of the promoted change where the policy excludes authors, and no
 * approval of theirs already on it. Judged with the roles and policy as they are now.
 */
export function whyCannotApprove(
  actor: Roles & { userId: string },
  promotion: ApprovalFacts,
  action: PromotionAction,
  policy: { selfApprovalAllowed: boolean; authorsMayNotApprove: boolean },
  situation: { alreadyApproved: boolean; targetName: string },
): string | null {
  const refusal = whyCannotDecide(actor, promotion, action, {
    name: situation.targetName,
    selfApprovalAllowed: policy.selfApprovalAllowed,
  });
  if (refusal) return refusal;
  if (policy.authorsMayNotApprove && promotion.authorIds.includes(actor.userId)) {
    return `You made a change that this promotion brings, and ${situation.targetName} does not let authors approve their own changes.`;
  }
  if (situation.alreadyApproved) return 'You have already approved this promotion.';
  return null;
}

/** The environments where the actor holds an environment permission; null: all of them (org admin). */
export function environmentsWhere(actor: Roles, permission: 'API:CREATE' | 'API:UPDATE'): string[] | null {
  if (actor.isOrgAdmin) return null;
  return [...actor.environmentRoles.keys()].filter((environmentId) =>
    can(actor, permission, { environmentId }),
  );
}

/** A field of the approval policy in force for the promotion's target, as SQL. */
function policyField(
  column: typeof approvalPolicies.selfApprovalAllowed | typeof approvalPolicies.authorsMayNotApprove,
) {
  return sql<boolean>`coalesce((select ${column} from ${approvalPolicies}
    where ${approvalPolicies.environmentId} = ${promotions.targetEnvironmentId}
    order by ${approvalPolicies.version} desc limit 1), false)`;
}

/** Accepting would update: the target already holds an API with this cross id. */
export const targetApiExists = sql<boolean>`exists (select 1 from ${apis}
  where ${apis.environmentId} = ${promotions.targetEnvironmentId} and ${apis.crossId} = ${promotions.crossId})`;

/** The actor's approval is already on the promotion. */
export function approvedBy(actor: { userId: string }): SQL {
  return sql`exists (select 1 from ${promotionApprovals}
    where ${promotionApprovals.promotionId} = ${promotions.id} and ${promotionApprovals.userId} = ${actor.userId})`;
}

/**
 * `whyCannotApprove(…) === null` for pending promotions, as a where clause over `promotions`: the
 * Tasks inbox, its badge and REST's `status=pending`. Mirrors the per-item rule term by term.
 */
export function approvableWhere(actor: Roles & { userId: string }): SQL {
  const creatable = environmentsWhere(actor, 'API:CREATE');
  const updatable = environmentsWhere(actor, 'API:UPDATE');
  const mayCreate =
    creatable === null
      ? sql`not ${targetApiExists}`
      : creatable.length
        ? and(sql`not ${targetApiExists}`, inArray(promotions.targetEnvironmentId, creatable))
        : undefined;
  const mayUpdate =
    updatable === null
      ? targetApiExists
      : updatable.length
        ? and(targetApiExists, inArray(promotions.targetEnvironmentId, updatable))
        : undefined;
  if (!mayCreate && !mayUpdate) return sql`false`;
  return and(
    eq(promotions.status, 'pending'),
    or(mayCreate, mayUpdate),
    or(sql`${promotions.requestedBy} <> ${actor.userId}`, policyField(approvalPolicies.selfApprovalAllowed)),
    or(
      sql`not ${policyField(approvalPolicies.authorsMayNotApprove)}`,
      sql`not (${actor.userId}::uuid = any(${promotions.authorIds}))`,
    ),
    sql`not ${approvedBy(actor)}`,
  )!;
}

/**
 * Why this requester may not move this API (a move archives the source), or null when they may:
 * archiving needs DEFINITION:DELETE on it (its owners, or API:DELETE in its environment). Asked at
 * the request and again when the move is applied.
 */
export function whyCannotMove(
  requester: Roles | null,
  source: { apiId: string; environmentId: string },
): string | null {
  if (requester && can(requester, 'DEFINITION:DELETE', source)) return null;
  return 'a move archives the source API, and its requester may not archive it (that needs DEFINITION:DELETE: an owner of the API, or API:DELETE in its environment).';
}

/** Whether the actor may decide promotions into any environment: who gets a Tasks inbox. */
export function decidesAnywhere(actor: Roles): boolean {
  if (actor.isOrgAdmin) return true;
  return [...actor.environmentRoles.keys()].some(
    (environmentId) =>
      mayDecideInTarget(actor, environmentId, 'create') || mayDecideInTarget(actor, environmentId, 'update'),
  );
}
