import { can, type Actor } from '@/lib/auth/actor';

/**
 * The promotion rules that both the writes and the screens ask, so a button is never offered for an act
 * the domain would refuse (and the domain never trusts that the button was hidden).
 */

export type PromotionAction = 'create' | 'update';

export type PromotionFacts = {
  apiId: string;
  sourceEnvironmentId: string;
  targetEnvironmentId: string;
  requestedBy: string;
};

/** Accepting creates the API in the target unless an API with the same cross id is already there. */
export function promotionAction(targetApiExists: boolean): PromotionAction {
  return targetApiExists ? 'update' : 'create';
}

export function mayDecideInTarget(
  actor: Actor,
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

/** Why this actor may not accept or reject this promotion now, or null when they may. */
export function whyCannotDecide(
  actor: Actor,
  promotion: PromotionFacts & { status: string },
  action: PromotionAction,
  target: { name: string; selfApprovalAllowed: boolean },
): string | null {
  if (!mayDecideInTarget(actor, promotion.targetEnvironmentId, action)) {
    return action === 'create'
      ? `Accepting creates an API in ${target.name}: that needs permission to create APIs there (API:CREATE).`
      : `Accepting updates an API in ${target.name}: that needs permission to update APIs there (API:UPDATE).`;
  }
  if (promotion.requestedBy === actor.userId && !target.selfApprovalAllowed) {
    return `You requested this promotion, and ${target.name} does not allow approving your own requests.`;
  }
  return null;
}

/** Whether the actor may decide promotions into any environment: who gets a Tasks inbox. */
export function decidesAnywhere(actor: Actor): boolean {
  if (actor.isOrgAdmin) return true;
  return [...actor.environmentRoles.keys()].some(
    (environmentId) =>
      mayDecideInTarget(actor, environmentId, 'create') || mayDecideInTarget(actor, environmentId, 'update'),
  );
}
