import 'server-only';

import { and, eq, inArray, sql } from 'drizzle-orm';

import type { Tx } from '@/db';
import { z } from 'zod';

import { gateSchema } from '@/db/gate-rules';
import { approvalPolicies, environments, groups } from '@/db/schema';
import type { AuditAction } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, canSeeEnvironment, type Actor } from '@/lib/auth/actor';
import { environmentRoles } from '@/lib/auth/permissions';
import { compileExpression } from '@/lib/gates/cel';
import { sameJson } from '@/lib/canonical-json';
import { AppError, notFound, parseInput } from '@/lib/errors';
import { loadPolicy, type ApprovalPolicy } from '@/lib/promotions/approval-policy';

const count = z.int('A whole number').min(1, 'At least 1').max(20, 'At most 20');

export const approvalPolicyInput = z.object({
  /** Distinct approvers needed; the requester's request is never one of them. */
  approvalsRequired: count,
  /** All must be met: e.g. 1 from group SRE and 1 from group Security. */
  rules: z
    .array(
      z.discriminatedUnion('kind', [
        z.object({
          kind: z.literal('group'),
          groupId: z.uuid('Not a group id'),
          count,
          /** Read-only: the group's name as a GET shows it, so what is read can be written back. Ignored. */
          name: z.string().max(200).optional(),
        }),
        z.object({ kind: z.literal('role'), role: z.enum(environmentRoles), count }),
      ]),
    )
    .max(10, 'At most 10 rules')
    // The read-only name is not part of the policy.
    .transform((rules) =>
      rules.map((rule) =>
        rule.kind === 'group' ? { kind: rule.kind, groupId: rule.groupId, count: rule.count } : rule,
      ),
    )
    .default([]),
  /** Whether one person's approval may count toward several rules. */
  approverMayFillSeveralRules: z.boolean().default(true),
  selfApprovalAllowed: z.boolean().default(false),
  /** Whoever made a change the promotion brings may not approve it. */
  authorsMayNotApprove: z.boolean().default(false),
  /** Pending requests older than this expire; null: never. */
  expiryHours: z
    .int('A whole number')
    .min(1, 'At least 1')
    .max(8760, 'At most a year')
    .nullable()
    .default(null),
  reasonRequiredOnReject: z.boolean().default(true),
  titleRequired: z.boolean().default(false),
  /** Gate rules for promotions leaving this environment (exit) and entering it (entry). */
  exitGate: gateSchema.default([]),
  entryGate: gateSchema.default([]),
});

export type ApprovalPolicyInput = z.input<typeof approvalPolicyInput>;

/** What a policy says, without where and which version: what the audit compares and REST returns. */
export function policyTerms(policy: ApprovalPolicy) {
  return {
    approvalsRequired: policy.approvalsRequired,
    rules: policy.rules.map((rule) =>
      rule.kind === 'group'
        ? { kind: rule.kind, groupId: rule.groupId, count: rule.count }
        : { kind: rule.kind, role: rule.role, count: rule.count },
    ),
    approverMayFillSeveralRules: policy.approverMayFillSeveralRules,
    selfApprovalAllowed: policy.selfApprovalAllowed,
    authorsMayNotApprove: policy.authorsMayNotApprove,
    expiryHours: policy.expiryHours,
    reasonRequiredOnReject: policy.reasonRequiredOnReject,
    titleRequired: policy.titleRequired,
    exitGate: policy.exitGate,
    entryGate: policy.entryGate,
  };
}

/**
 * Replaces an environment's approval policy with a new version. Needs ENVIRONMENT:UPDATE there
 * (environment and organization admins). Approvals already given are judged by the new version from
 * now on. Audited with the whole policy before and after.
 */
export async function updateApprovalPolicy(
  actor: Actor,
  environmentKey: string,
  rawInput: ApprovalPolicyInput,
): Promise<ApprovalPolicy> {
  const wanted = parseInput(approvalPolicyInput, rawInput);
  return runAudited(actor, async (tx) => {
    const environment = await lockEnvironmentToUpdate(tx, actor, environmentKey, {
      action: 'environment.policy_updated',
      refusal: 'You may not change the approval policy of this environment.',
    });
    if (!(await writeApprovalPolicy(tx, actor, environment.id, wanted))) {
      throw new AppError('no_changes', 'Nothing changed: the policy is the same.');
    }
    return loadPolicy(tx, environment.id);
  });
}

/**
 * The environment to change, locked, once the actor may change it (ENVIRONMENT:UPDATE there): else
 * not found for those who cannot see it, and a denied, audited refusal for those who can.
 */
export async function lockEnvironmentToUpdate(
  tx: Tx,
  actor: Actor,
  environmentKey: string,
  denied: { action: AuditAction; refusal: string },
) {
  const [environment] = await tx
    .select({
      id: environments.id,
      key: environments.key,
      name: environments.name,
      directPromotionAllowed: environments.directPromotionAllowed,
      allowedSourceIds: environments.allowedSourceIds,
    })
    .from(environments)
    .where(eq(environments.key, environmentKey))
    .for('update');
  if (!environment || !canSeeEnvironment(actor, environment.id)) throw notFound('Environment');
  if (!can(actor, 'ENVIRONMENT:UPDATE', { environmentId: environment.id })) {
    throw new DeniedError(denied.refusal, {
      action: denied.action,
      environmentIds: [environment.id],
      target: { type: 'environment', id: environment.id },
    });
  }
  return environment;
}

/**
 * Validates a new approval policy for an environment the caller may change and, when it differs from
 * the one in force, records it as the next version, audited. Returns whether it wrote one.
 */
export async function writeApprovalPolicy(
  tx: Tx,
  actor: Actor,
  environmentId: string,
  wanted: z.output<typeof approvalPolicyInput>,
): Promise<boolean> {
  const ruleKeys = wanted.rules.map((rule) =>
    rule.kind === 'group' ? rule.groupId.toLowerCase() : rule.role,
  );
  const duplicate = ruleKeys.findIndex((key, index) => ruleKeys.indexOf(key) !== index);
  if (duplicate >= 0) throw fieldError(`rules.${duplicate}`, 'Each group or role may have one rule');
  const groupIds = wanted.rules.flatMap((rule) =>
    rule.kind === 'group' ? [rule.groupId.toLowerCase()] : [],
  );
  const known = groupIds.length
    ? await tx.select({ id: groups.id }).from(groups).where(inArray(groups.id, groupIds))
    : [];
  const unknown = wanted.rules.findIndex(
    (rule) => rule.kind === 'group' && !known.some((group) => group.id === rule.groupId.toLowerCase()),
  );
  if (unknown >= 0) throw fieldError(`rules.${unknown}.groupId`, 'There is no such group');
  for (const gate of ['exitGate', 'entryGate'] as const) {
    wanted[gate].forEach((rule, index) => {
      if (rule.rule !== 'custom') return;
      const compiled = compileExpression(rule.expression);
      if (!compiled.ok) {
        throw fieldError(
          `${gate}.${index}.expression`,
          `Line ${compiled.line}, column ${compiled.column}: ${compiled.message}`,
        );
      }
    });
  }

  const current = await loadPolicy(tx, environmentId);
  const before = policyTerms(current);
  const after = {
    ...wanted,
    rules: wanted.rules.map((rule) =>
      rule.kind === 'group' ? { ...rule, groupId: rule.groupId.toLowerCase() } : rule,
    ),
  };
  if (current.version > 0 && sameJson(before, after)) return false;
  const [{ version }] = (await tx
    .select({ version: sql<number>`coalesce(max(${approvalPolicies.version}), 0)::int + 1` })
    .from(approvalPolicies)
    .where(and(eq(approvalPolicies.environmentId, environmentId)))) as [{ version: number }];
  await tx.insert(approvalPolicies).values({ environmentId, version, ...after, createdBy: actor.userId });
  await recordAudit(tx, actor, {
    action: 'environment.policy_updated',
    environmentIds: [environmentId],
    target: { type: 'environment', id: environmentId },
    changes: { before: { version: current.version, ...before }, after: { version, ...after } },
  });
  return true;
}

function fieldError(field: string, message: string) {
  return new AppError('validation', 'The request is invalid.', { fieldErrors: { [field]: [message] } });
}
