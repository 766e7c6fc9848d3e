import 'server-only';

import { desc, eq, inArray } from 'drizzle-orm';

import type { Queryable } from '@/db';
import type { GateRule } from '@/db/gate-rules';
import {
  approvalPolicies,
  groupMembers,
  groups,
  promotionApprovals,
  users,
  type ApproverRule,
} from '@/db/schema';
import { loadRoles } from '@/lib/auth/actor';
import type { EnvironmentRole } from '@/lib/auth/permissions';

import { whyCannotApprove, type ApprovalFacts, type PromotionAction, type Roles } from './rules';

/**
 * An environment's approval policy as a promotion target, and how a promotion's approvals measure up
 * to it. The policy is judged as it stands at each approval: approvals given earlier count only if
 * their approver would still be allowed to approve now.
 */

export type ApprovalPolicy = {
  environmentId: string;
  version: number;
  approvalsRequired: number;
  rules: (ApproverRule & { name: string })[];
  approverMayFillSeveralRules: boolean;
  selfApprovalAllowed: boolean;
  authorsMayNotApprove: boolean;
  expiryHours: number | null;
  reasonRequiredOnReject: boolean;
  titleRequired: boolean;
  /** Gate rules for promotions leaving this environment, and entering it. */
  exitGate: GateRule[];
  entryGate: GateRule[];
};

/** The policy of an environment that has none recorded (version 0): one approval, no self-approval. */
export function defaultPolicy(environmentId: string): ApprovalPolicy {
  return {
    environmentId,
    version: 0,
    approvalsRequired: 1,
    rules: [],
    approverMayFillSeveralRules: true,
    selfApprovalAllowed: false,
    authorsMayNotApprove: false,
    expiryHours: null,
    reasonRequiredOnReject: true,
    titleRequired: false,
    exitGate: [],
    entryGate: [],
  };
}

/** How a rule reads: "1 from group Release managers", "2 with role APPROVER". */
export function ruleLabel(rule: { kind: 'group' | 'role'; name: string; count: number }): string {
  return rule.kind === 'group' ? `${rule.count} from ${rule.name}` : `${rule.count} with role ${rule.name}`;
}

/** The policies in force (highest version) for these environments, with rule groups named. */
export async function loadPolicies(
  db: Queryable,
  environmentIds: string[],
): Promise<Map<string, ApprovalPolicy>> {
  const policies = new Map<string, ApprovalPolicy>();
  const ids = [...new Set(environmentIds)];
  if (ids.length === 0) return policies;
  const rows = await db
    .selectDistinctOn([approvalPolicies.environmentId])
    .from(approvalPolicies)
    .where(inArray(approvalPolicies.environmentId, ids))
    .orderBy(approvalPolicies.environmentId, desc(approvalPolicies.version));
  const groupIds = rows.flatMap((row) =>
    row.rules.flatMap((rule) => (rule.kind === 'group' ? [rule.groupId] : [])),
  );
  const groupNames = new Map(
    groupIds.length
      ? (
          await db
            .select({ id: groups.id, name: groups.name })
            .from(groups)
            .where(inArray(groups.id, groupIds))
        ).map((group) => [group.id, group.name])
      : [],
  );
  for (const id of ids) policies.set(id, defaultPolicy(id));
  for (const row of rows) {
    policies.set(row.environmentId, {
      environmentId: row.environmentId,
      version: row.version,
      approvalsRequired: row.approvalsRequired,
      rules: row.rules.map((rule) => ({
        ...rule,
        name: rule.kind === 'group' ? (groupNames.get(rule.groupId) ?? 'a deleted group') : rule.role,
      })),
      approverMayFillSeveralRules: row.approverMayFillSeveralRules,
      selfApprovalAllowed: row.selfApprovalAllowed,
      authorsMayNotApprove: row.authorsMayNotApprove,
      expiryHours: row.expiryHours,
      reasonRequiredOnReject: row.reasonRequiredOnReject,
      titleRequired: row.titleRequired,
      exitGate: row.exitGate,
      entryGate: row.entryGate,
    });
  }
  return policies;
}

export async function loadPolicy(db: Queryable, environmentId: string): Promise<ApprovalPolicy> {
  return (await loadPolicies(db, [environmentId])).get(environmentId)!;
}

/** One approval as it counts now. */
export type Approval = {
  userId: string;
  name: string;
  approvedAt: Date;
  policyVersion: number;
  comment: string | null;
  /** Null when it counts; otherwise why it no longer does (the approver's role was revoked …). */
  notCounted: string | null;
  groupIds: string[];
  environmentRole: EnvironmentRole | null;
};

export type ApprovalProgress = {
  approvals: Approval[];
  /** Distinct approvers whose approval counts. */
  count: number;
  required: number;
  met: boolean;
  /** Rules not yet met, for people: "1 from Release managers". */
  missingRules: string[];
};

type PromotionForApprovals = ApprovalFacts & { id: string; action: PromotionAction };

/**
 * The approvals of these promotions, each judged against its target's policy as it stands now: an
 * approver who would be refused today (role revoked, disabled, now an excluded author) no longer counts.
 */
export async function approvalProgressOf(
  db: Queryable,
  promotionList: PromotionForApprovals[],
  policies: Map<string, ApprovalPolicy>,
): Promise<Map<string, ApprovalProgress>> {
  const progress = new Map<string, ApprovalProgress>();
  if (promotionList.length === 0) return progress;
  const rows = await db
    .select({
      promotionId: promotionApprovals.promotionId,
      userId: promotionApprovals.userId,
      name: users.name,
      disabledAt: users.disabledAt,
      approvedAt: promotionApprovals.createdAt,
      policyVersion: promotionApprovals.policyVersion,
      comment: promotionApprovals.comment,
    })
    .from(promotionApprovals)
    .innerJoin(users, eq(users.id, promotionApprovals.userId))
    .where(
      inArray(
        promotionApprovals.promotionId,
        promotionList.map((promotion) => promotion.id),
      ),
    )
    .orderBy(promotionApprovals.createdAt);
  const approverIds = [...new Set(rows.map((row) => row.userId))];
  const [roles, memberships] = await Promise.all([
    loadRoles(db, approverIds),
    approverIds.length
      ? db
          .select({ userId: groupMembers.userId, groupId: groupMembers.groupId })
          .from(groupMembers)
          .where(inArray(groupMembers.userId, approverIds))
      : [],
  ]);
  const rolesOf = (userId: string): Roles => roles.get(userId)!;

  for (const promotion of promotionList) {
    const policy = policies.get(promotion.targetEnvironmentId)!;
    const approvals = rows
      .filter((row) => row.promotionId === promotion.id)
      .map((row): Approval => {
        const roles = rolesOf(row.userId);
        const notCounted = row.disabledAt
          ? 'The approver has been disabled.'
          : whyCannotApprove({ ...roles, userId: row.userId }, promotion, promotion.action, policy, {
              alreadyApproved: false,
              targetName: 'the target',
            });
        return {
          userId: row.userId,
          name: row.name,
          approvedAt: row.approvedAt,
          policyVersion: row.policyVersion,
          comment: row.comment,
          notCounted,
          groupIds: memberships
            .filter((membership) => membership.userId === row.userId)
            .map((membership) => membership.groupId),
          environmentRole: roles.environmentRoles.get(promotion.targetEnvironmentId) ?? null,
        };
      });
    progress.set(promotion.id, evaluatePolicy(policy, approvals));
  }
  return progress;
}

/**
 * Whether the counting approvals meet the policy: at least N distinct approvers, and every rule met.
 * When one person may not fill several rules, approvers are matched to rule seats (a bipartite
 * matching), so "1 from SRE and 1 from Security" needs two people even if one is in both groups.
 */
export function evaluatePolicy(policy: ApprovalPolicy, approvals: Approval[]): ApprovalProgress {
  const counted = approvals.filter((approval) => approval.notCounted === null);
  const matches = (approval: Approval, rule: ApprovalPolicy['rules'][number]) =>
    rule.kind === 'group' ? approval.groupIds.includes(rule.groupId) : approval.environmentRole === rule.role;

  const filled = policy.approverMayFillSeveralRules
    ? policy.rules.map((rule) =>
        Math.min(rule.count, counted.filter((approval) => matches(approval, rule)).length),
      )
    : matchSeats(policy, counted, matches);

  const missingRules = policy.rules.flatMap((rule, index) => {
    const missing = rule.count - filled[index]!;
    return missing > 0 ? [ruleLabel({ ...rule, count: missing })] : [];
  });
  return {
    approvals,
    count: counted.length,
    required: policy.approvalsRequired,
    met: counted.length >= policy.approvalsRequired && missingRules.length === 0,
    missingRules,
  };
}

/** Seats filled per rule when each approver fills at most one seat (augmenting paths; sizes are tiny). */
function matchSeats(
  policy: ApprovalPolicy,
  counted: Approval[],
  matches: (approval: Approval, rule: ApprovalPolicy['rules'][number]) => boolean,
): number[] {
  const seats = policy.rules.flatMap((rule, ruleIndex) =>
    Array.from({ length: rule.count }, () => ruleIndex),
  );
  const seatHolder: (number | undefined)[] = seats.map(() => undefined);
  const tryAssign = (approverIndex: number, visited: Set<number>): boolean => {
    for (let seat = 0; seat < seats.length; seat++) {
      if (visited.has(seat) || !matches(counted[approverIndex]!, policy.rules[seats[seat]!]!)) continue;
      visited.add(seat);
      const holder = seatHolder[seat];
      if (holder === undefined || tryAssign(holder, visited)) {
        seatHolder[seat] = approverIndex;
        return true;
      }
    }
    return false;
  };
  counted.forEach((_, index) => tryAssign(index, new Set()));
  return policy.rules.map(
    (_, ruleIndex) =>
      seats.filter((rule, seat) => rule === ruleIndex && seatHolder[seat] !== undefined).length,
  );
}
