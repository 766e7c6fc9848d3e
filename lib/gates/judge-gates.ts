import 'server-only';

import { randomUUID } from 'node:crypto';

import { and, eq, ne } from 'drizzle-orm';

import type { Queryable } from '@/db';
import type { ApiDefinition } from '@/db/definition';
import type { GateEvaluation } from '@/db/gate-rules';
import { apiRevisions, apis, environments, roleBindings, users, type promotions } from '@/db/schema';
import { can, type Actor } from '@/lib/auth/actor';
import { diffDefinitions } from '@/lib/diff';
import { loadPolicy, type ApprovalPolicy } from '@/lib/promotions/approval-policy';
import { composeDefinition } from '@/lib/promotions/compose-definition';

import type { GateFacts, GateStage } from './built-in-rules';
import { evaluateGate } from './gate';

/** What judging a requested promotion needs of it. */
type Promotion = Pick<
  typeof promotions.$inferSelect,
  | 'apiId'
  | 'crossId'
  | 'sourceEnvironmentId'
  | 'sourceRevision'
  | 'snapshot'
  | 'requestedBy'
  | 'included'
  | 'properties'
  | 'parameters'
>;

export type Evaluations = { exitGate: GateEvaluation; entryGate: GateEvaluation };

/**
 * Runs the source's exit gate and the target's entry gate on a promotion as things stand now. A
 * requester who may not read the target's API is not told what depends on its values (whether the
 * promotion changes it, how its version compares, custom rules reading it): those rules are left to
 * the approvers, who may.
 */
export async function judgeGates(
  db: Queryable,
  actor: Actor,
  promotion: {
    stage: GateStage;
    apiId: string;
    sourceRevision: number;
    source: { id: string; key: string; name: string; policy: ApprovalPolicy };
    target: { id: string; key: string; name: string; policy: ApprovalPolicy };
    requester: { id: string; email: string; name: string };
    parameters: Record<string, string>;
    properties: Record<string, string>;
    crossId: string;
    snapshot: ApiDefinition;
    composed: ApiDefinition;
    targetApi: { id: string; definition: ApiDefinition } | null;
    targetReadable: boolean;
  },
): Promise<Evaluations> {
  const [[clash], [revision], [owner]] = await Promise.all([
    db
      .select({ id: apis.id, name: apis.name })
      .from(apis)
      .where(
        and(
          eq(apis.environmentId, promotion.target.id),
          eq(apis.contextPath, promotion.composed.contextPath),
          ne(apis.crossId, promotion.crossId),
          ne(apis.lifecycleState, 'archived'),
        ),
      ),
    db
      .select({ createdAt: apiRevisions.createdAt })
      .from(apiRevisions)
      .where(
        and(eq(apiRevisions.apiId, promotion.apiId), eq(apiRevisions.revision, promotion.sourceRevision)),
      ),
    db
      .select({ userId: roleBindings.userId })
      .from(roleBindings)
      .where(and(eq(roleBindings.apiId, promotion.apiId), eq(roleBindings.role, 'PRIMARY_OWNER')))
      .limit(1),
  ]);
  const target = promotion.targetApi?.definition ?? null;
  const facts: GateFacts = {
    stage: promotion.stage,
    snapshot: promotion.snapshot,
    composed: promotion.composed,
    target,
    diff: diffDefinitions(target, promotion.composed),
    contextPathTakenBy: clash
      ? can(actor, 'DEFINITION:READ', { apiId: clash.id, environmentId: promotion.target.id })
        ? clash.name
        : 'another API'
      : null,
    revisionCreatedAt: revision?.createdAt ?? new Date(),
    hasPrimaryOwner: Boolean(owner),
    now: new Date(),
    requester: promotion.requester,
    sourceEnvironment: { key: promotion.source.key, name: promotion.source.name },
    targetEnvironment: { key: promotion.target.key, name: promotion.target.name },
    parameters: promotion.parameters,
    properties: promotion.properties,
  };
  const { targetReadable } = promotion;
  return {
    exitGate: evaluateGate(
      {
        stage: 'exit',
        environmentKey: promotion.source.key,
        rules: promotion.source.policy.exitGate,
        targetReadable,
      },
      facts,
      randomUUID(),
    ),
    entryGate: evaluateGate(
      {
        stage: 'entry',
        environmentKey: promotion.target.key,
        rules: promotion.target.policy.entryGate,
        targetReadable,
      },
      facts,
      randomUUID(),
    ),
  };
}

/** The violated rules of both gates, for a refusal's message. */
export function violations(evaluations: Evaluations, decision: 'warn' | 'fail'): string[] {
  return [evaluations.exitGate, evaluations.entryGate].flatMap((gate) =>
    gate.violatedPolicies
      .filter((policy) => policy.decision === decision)
      .map(
        (policy) =>
          `${policy.ruleName} (${gate.stage === 'exit' ? 'leaving' : 'entering'}): ${policy.explanation}`,
      ),
  );
}

/**
 * The gates on a pending promotion as things stand now, for a decision on it: `approval` while more
 * approvals are needed, `accept` for the one that applies it (change windows bind only then).
 */
export async function judgePromotionNow(
  tx: Queryable,
  actor: Actor,
  context: {
    promotion: Promotion;
    target: { id: string; key: string; name: string };
    targetApi: { id: string; definition: ApiDefinition } | null;
    policy: ApprovalPolicy;
  },
  stage: 'approval' | 'accept',
): Promise<Evaluations> {
  const { promotion, target, targetApi, policy } = context;
  const [[source], [requester]] = await Promise.all([
    tx
      .select({ id: environments.id, key: environments.key, name: environments.name })
      .from(environments)
      .where(eq(environments.id, promotion.sourceEnvironmentId)),
    tx
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, promotion.requestedBy)),
  ]);
  const sourcePolicy = await loadPolicy(tx, promotion.sourceEnvironmentId);
  return judgeGates(tx, actor, {
    stage,
    apiId: promotion.apiId,
    sourceRevision: promotion.sourceRevision,
    source: { ...source!, policy: sourcePolicy },
    target: { id: target.id, key: target.key, name: target.name, policy },
    requester: requester!,
    parameters: promotion.parameters,
    properties: promotion.properties,
    crossId: promotion.crossId,
    snapshot: promotion.snapshot,
    composed: composeDefinition(promotion.snapshot, promotion, targetApi?.definition ?? null),
    targetApi,
    targetReadable:
      !targetApi || can(actor, 'DEFINITION:READ', { apiId: targetApi.id, environmentId: target.id }),
  });
}
