import 'server-only';

import { z } from 'zod';

import { apiDefinitionSchema } from '@/db/definition';
import { gateSchema, type GateEvaluation } from '@/db/gate-rules';
import { parseAuditFilters, type AuditFilters, type AuditListItem } from '@/lib/audit/queries';
import { AppError, maxInt } from '@/lib/errors';
import type { ApiDetail, ApiListItem, RevisionListItem } from '@/lib/apis/queries';
import type { EnvironmentSettings, EnvironmentSummary } from '@/lib/environments/queries';
import { promotionInput } from '@/lib/promotions/prepare-promotion';
import type { PromotionPreview } from '@/lib/promotions/request-promotion';
import { promotionStatus } from '@/db/schema';
import { approvalPolicyInput, policyTerms } from '@/lib/environments/update-approval-policy';
import { createEnvironmentInput } from '@/lib/environments/create-environment';
import { createInstallationInput, renameInstallationInput } from '@/lib/environments/installation-writes';
import { reorderEnvironmentsInput } from '@/lib/environments/reorder-environments';
import { updateEnvironmentSettingsInput } from '@/lib/environments/update-environment-settings';
import type { ApprovalPolicy } from '@/lib/promotions/approval-policy';
import type { DefinitionDiff } from '@/lib/diff';
import type { Evaluations } from '@/lib/gates/judge-gates';
import type { TaskWithProgress } from '@/lib/promotions/queries';

/**
 * What the REST API answers, as zod schemas (the OpenAPI document is generated from them, and the
 * contract tests validate responses against that document) and the mappers that build them.
 */

// Request bodies ------------------------------------------------------------------------------

export const definitionUpdateBody = z.object({
  definition: z.record(z.string(), z.unknown()),
  /** Refuse (409) if the API has moved past this revision; omitted: save over the current one. */
  baseRevision: z.int().min(1).max(maxInt).optional(),
  message: z.string().max(500).optional(),
});

export const promotionBody = promotionInput.omit({ apiId: true });

// Responses -------------------------------------------------------------------------------------

export const timestamp = z.iso.datetime({ offset: true });
const environmentRef = z.object({ key: z.string(), name: z.string() });
const userRef = z.object({ id: z.uuid(), name: z.string() });
/** A gate's verdict in the JFrog seed's shape (exit_gate / entry_gate). */
export const gateEvaluation = z.object({
  eval_id: z.string(),
  stage: z.enum(['exit', 'entry']),
  decision: z.enum(['pass', 'warn', 'fail', 'error']),
  explanation: z.string(),
  violated_policies: z.array(
    z.object({
      name: z.string(),
      policy_id: z.string(),
      rule_name: z.string(),
      rule_category: z.string(),
      decision: z.enum(['warn', 'fail']),
      explanation: z.string(),
      resources_evaluated: z.object({ pass: z.int(), warn: z.int(), fail: z.int() }),
    }),
  ),
  /** Every rule that ran, violated or not. */
  rules: z.array(
    z.object({
      rule_name: z.string(),
      mode: z.enum(['warn', 'fail']),
      passed: z.boolean(),
      explanation: z.string(),
    }),
  ),
  /** Rules left out because they read the target's API, which the caller may not read. */
  withheld_rules: z.int().optional(),
});

type StoredGate = GateEvaluation | { decision: string; policies: unknown[] };

/** A stored gate verdict as REST shows it; promotions requested before gates ran show a pass. */
export function toGate(
  gate: StoredGate | undefined,
  stage: 'exit' | 'entry',
): z.input<typeof gateEvaluation> {
  if (!gate || !('evalId' in gate)) {
    return {
      eval_id: 'none',
      stage,
      decision: 'pass',
      explanation: 'Requested before gates were evaluated.',
      violated_policies: [],
      rules: [],
    };
  }
  return {
    eval_id: gate.evalId,
    stage: gate.stage,
    decision: gate.decision,
    explanation: gate.explanation,
    violated_policies: gate.violatedPolicies.map((policy) => ({
      name: policy.name,
      policy_id: policy.policyId,
      rule_name: policy.ruleName,
      rule_category: policy.ruleCategory,
      decision: policy.decision,
      explanation: policy.explanation,
      resources_evaluated: policy.resourcesEvaluated,
    })),
    rules: gate.rules.map((rule) => ({
      rule_name: rule.ruleName,
      mode: rule.mode,
      passed: rule.passed,
      explanation: rule.explanation,
    })),
    ...(gate.withheld ? { withheld_rules: gate.withheld } : {}),
  };
}

export const environmentResource = z.object({
  key: z.string(),
  name: z.string(),
  position: z.int(),
});
export const installationResource = z.object({
  key: z.string(),
  name: z.string(),
  environments: z.array(environmentResource),
});
export const environmentsResponse = z.object({ installations: z.array(installationResource) });

/** An environment with its settings as a promotion target (GET/PATCH /environments/{env}). */
export const environmentSettingsResource = z.object({
  key: z.string(),
  name: z.string(),
  installation: environmentRef,
  position: z.int(),
  directPromotionAllowed: z.boolean(),
  /** Keys of the environments that may promote into this one; null: any. */
  allowedSources: z.array(z.string()).nullable(),
});
export const environmentCreateBody = createEnvironmentInput;
export const environmentSettingsBody = updateEnvironmentSettingsInput.omit({
  environmentId: true,
  allowedSourceIds: true,
});
export const installationSummaryResource = z.object({ key: z.string(), name: z.string() });
export const installationCreateBody = createInstallationInput;
export const installationRenameBody = renameInstallationInput.omit({ key: true });
export const lifecycleBody = reorderEnvironmentsInput.omit({ installation: true });
export function toEnvironmentSettings(
  settings: EnvironmentSettings,
): z.input<typeof environmentSettingsResource> {
  return {
    key: settings.key,
    name: settings.name,
    installation: { key: settings.installation.key, name: settings.installation.name },
    position: settings.position,
    directPromotionAllowed: settings.directPromotionAllowed,
    allowedSources: settings.allowedSources,
  };
}
export const lifecycleResource = z.object({ installation: z.string(), environments: z.array(z.string()) });

export const apiSummaryResource = z.object({
  id: z.uuid(),
  name: z.string(),
  version: z.string(),
  contextPath: z.string(),
  lifecycleState: z.string(),
  currentRevision: z.int(),
  updatedAt: timestamp,
});
export const apiListResponse = z.object({
  environment: environmentRef,
  items: z.array(apiSummaryResource),
  nextCursor: z.string().nullable(),
});

export const apiResource = apiSummaryResource.extend({
  crossId: z.uuid(),
  environment: environmentRef,
  definition: apiDefinitionSchema,
  createdAt: timestamp,
});

export const revisionResource = z.object({
  revision: z.int(),
  message: z.string().nullable(),
  createdAt: timestamp,
  createdBy: z.string().nullable(),
});
export const revisionListResponse = z.object({
  items: z.array(revisionResource),
  nextCursor: z.string().nullable(),
});
export const revisionWithDefinitionResource = revisionResource.extend({
  apiId: z.uuid(),
  definition: apiDefinitionSchema,
});

const changeResource = z.object({
  path: z.string(),
  kind: z.enum(['added', 'removed', 'changed', 'reordered']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  lines: z.array(z.object({ kind: z.enum(['added', 'removed', 'same']), text: z.string() })).optional(),
});
/** What accepting would change in the target as it is now, part by part (`general`: name, version …). */
export const diffResource = z.object({
  action: z.enum(['create', 'update']),
  parts: z.array(z.object({ part: z.string(), changes: z.array(changeResource) })),
});

export const approvalsResource = z.object({
  /** Distinct approvers the target's policy needs, and how many approvals count now. */
  required: z.int(),
  count: z.int(),
  met: z.boolean(),
  /** Approver rules not yet met, e.g. "1 from Release managers". */
  missingRules: z.array(z.string()),
  policyVersion: z.int(),
  items: z.array(
    z.object({
      user: userRef,
      approvedAt: timestamp,
      policyVersion: z.int(),
      comment: z.string().nullable(),
      /** Whether it counts under the policy as it stands now, and if not, why. */
      counts: z.boolean(),
      notCountedReason: z.string().nullable(),
    }),
  ),
});

export const promotionResource = z.object({
  id: z.uuid(),
  apiId: z.uuid(),
  crossId: z.uuid(),
  apiName: z.string(),
  revision: z.int(),
  source: environmentRef,
  target: environmentRef,
  mode: z.enum(['request', 'direct']),
  type: z.enum(['copy', 'move']),
  status: z.enum(promotionStatus.enumValues),
  action: z.enum(['create', 'update']),
  approvals: approvalsResource,
  /** The request this one replaced (Update request), and the one that replaced it. */
  supersedes: z.uuid().nullable(),
  supersededBy: z.uuid().nullable(),
  /** The source API's current revision: newer than `revision` while the source has changed since. */
  sourceRevisionNow: z.int(),
  /**
   * GET /promotions/{id} and decisions, while pending: what approving would change in the target as it
   * is now. Null in lists, once decided, and for those who may not read the target's API.
   */
  diff: diffResource.nullable(),
  title: z.string().nullable(),
  message: z.string().nullable(),
  description: z.string().nullable(),
  parameters: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  included: z.array(z.string()),
  excluded: z.array(z.string()),
  requestedBy: userRef,
  createdAt: timestamp,
  decidedBy: userRef.nullable(),
  decidedAt: timestamp.nullable(),
  reason: z.string().nullable(),
  /** The gates as judged when the promotion was requested. */
  exit_gate: gateEvaluation,
  entry_gate: gateEvaluation,
  /**
   * GET /promotions/{id} while pending: the gates as an approval would judge them now, as the caller
   * may see them. Null in lists and once decided.
   */
  gatesNow: z.object({ exit_gate: gateEvaluation, entry_gate: gateEvaluation }).nullable(),
  /** The API in the target has a revision newer than the request (false for those who may not read it). */
  targetChangedSinceRequest: z.boolean(),
  /** The requester's reason for going ahead despite a gate's warning. */
  justification: z.string().nullable(),
  /** The outcome in the target; its API's id and revision only for those who may read that API. */
  result: z
    .object({
      apiId: z.uuid().nullable(),
      revision: z.int().nullable(),
      action: z.enum(['created', 'updated']),
    })
    .nullable(),
});
export const promotionListResponse = z.object({
  items: z.array(promotionResource),
  nextCursor: z.string().nullable(),
});

export const approvalPolicyResource = z.object({
  environment: environmentRef,
  /** 0: the default policy, never changed. */
  version: z.int(),
  approvalsRequired: z.int(),
  rules: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('group'), groupId: z.uuid(), name: z.string(), count: z.int() }),
      z.object({ kind: z.literal('role'), role: z.string(), name: z.string(), count: z.int() }),
    ]),
  ),
  approverMayFillSeveralRules: z.boolean(),
  selfApprovalAllowed: z.boolean(),
  authorsMayNotApprove: z.boolean(),
  expiryHours: z.int().nullable(),
  reasonRequiredOnReject: z.boolean(),
  titleRequired: z.boolean(),
  exitGate: gateSchema,
  entryGate: gateSchema,
});
export const approvalPolicyBody = approvalPolicyInput;

export const dryRunResource = z.object({
  dryRun: z.literal(true),
  apiId: z.uuid(),
  revision: z.int(),
  target: z.string(),
  action: z.enum(['create', 'update']),
  /**
   * False when the caller may not read the API already in the target: `definition` is then the
   * snapshot (the `excluded` parts will keep the target's content, unseen), and `targetApiId`,
   * `targetRevision` and `changes` are null.
   */
  targetReadable: z.boolean(),
  targetApiId: z.uuid().nullable(),
  targetRevision: z.int().nullable(),
  changes: z.array(z.string()).nullable(),
  diff: diffResource.nullable(),
  included: z.array(z.string()),
  excluded: z.array(z.string()),
  definition: apiDefinitionSchema,
  exit_gate: gateEvaluation,
  entry_gate: gateEvaluation,
  /** Why the caller may not promote this with `mode: direct`; null when a direct promotion would apply now. */
  directUnavailableReason: z.string().nullable(),
});

/** RFC 9457; extension members name what the problem is about (and more may be added). */
export const problemResource = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    /** 400: each invalid field (dotted path) with its messages. */
    errors: z.record(z.string(), z.array(z.string())).optional(),
    /** 409 on a duplicate request: the pending promotion that blocks it. */
    existingPromotionId: z.uuid().nullable().optional(),
    /** 429: seconds until the window resets (also in Retry-After). */
    retryAfterSeconds: z.int().optional(),
  })
  .loose();

const iso = (date: Date) => date.toISOString();

export function toEnvironments(environments: EnvironmentSummary[]): z.input<typeof environmentsResponse> {
  const installations = new Map<string, z.input<typeof installationResource>>();
  for (const environment of environments) {
    const entry = installations.get(environment.installation.key) ?? {
      key: environment.installation.key,
      name: environment.installation.name,
      environments: [],
    };
    entry.environments.push({ key: environment.key, name: environment.name, position: environment.position });
    installations.set(environment.installation.key, entry);
  }
  return { installations: [...installations.values()] };
}

export function toApiSummary(api: ApiListItem): z.input<typeof apiSummaryResource> {
  return {
    id: api.id,
    name: api.name,
    version: api.version,
    contextPath: api.contextPath,
    lifecycleState: api.lifecycleState,
    currentRevision: api.currentRevision,
    updatedAt: iso(api.updatedAt),
  };
}

export function toApi(api: ApiDetail): z.input<typeof apiResource> {
  return {
    id: api.id,
    crossId: api.crossId,
    name: api.definition.name,
    version: api.definition.version,
    contextPath: api.definition.contextPath,
    lifecycleState: api.lifecycleState,
    currentRevision: api.currentRevision,
    environment: { key: api.environment.key, name: api.environment.name },
    definition: api.definition,
    createdAt: iso(api.createdAt),
    updatedAt: iso(api.updatedAt),
  };
}

export function toRevision(revision: Omit<RevisionListItem, 'version'>): z.input<typeof revisionResource> {
  return {
    revision: revision.revision,
    message: revision.message,
    createdAt: iso(revision.createdAt),
    createdBy: revision.createdByName,
  };
}

export function toPromotion(
  row: TaskWithProgress & { diff?: DefinitionDiff | null; gatesNow?: Evaluations | null },
): z.input<typeof promotionResource> {
  return {
    id: row.id,
    apiId: row.apiId,
    crossId: row.crossId,
    apiName: row.apiName,
    revision: row.sourceRevision,
    source: { key: row.sourceKey, name: row.sourceName },
    target: { key: row.targetKey, name: row.targetName },
    mode: row.mode,
    type: row.type,
    status: row.status,
    action: row.action,
    approvals: {
      required: row.progress.required,
      count: row.progress.count,
      met: row.progress.met,
      missingRules: row.progress.missingRules,
      policyVersion: row.policy.version,
      items: row.progress.approvals.map((approval) => ({
        user: { id: approval.userId, name: approval.name },
        approvedAt: iso(approval.approvedAt),
        policyVersion: approval.policyVersion,
        comment: approval.comment,
        counts: approval.notCounted === null,
        notCountedReason: approval.notCounted,
      })),
    },
    supersedes: row.supersedes,
    supersededBy: row.supersededBy,
    sourceRevisionNow: row.sourceRevisionNow,
    diff: row.diff ?? null,
    title: row.title,
    message: row.message,
    description: row.description,
    parameters: row.parameters,
    properties: row.properties,
    included: row.included,
    excluded: row.excluded,
    requestedBy: { id: row.requestedBy, name: row.requestedByName },
    createdAt: iso(row.createdAt),
    decidedBy: row.decidedBy && row.decidedByName ? { id: row.decidedBy, name: row.decidedByName } : null,
    decidedAt: row.decidedAt ? iso(row.decidedAt) : null,
    reason: row.reason,
    exit_gate: toGate(row.evaluations?.exitGate, 'exit'),
    entry_gate: toGate(row.evaluations?.entryGate, 'entry'),
    gatesNow: row.gatesNow
      ? {
          exit_gate: toGate(row.gatesNow.exitGate, 'exit'),
          entry_gate: toGate(row.gatesNow.entryGate, 'entry'),
        }
      : null,
    targetChangedSinceRequest: row.targetChangedSinceRequest,
    justification: row.justification,
    result: row.result,
  };
}

export function toApprovalPolicy(
  environment: { key: string; name: string },
  policy: ApprovalPolicy,
): z.input<typeof approvalPolicyResource> {
  return {
    environment: { key: environment.key, name: environment.name },
    version: policy.version,
    ...policyTerms(policy),
    rules: policy.rules,
  };
}

export function toDryRun(apiId: string, preview: PromotionPreview): z.input<typeof dryRunResource> {
  return {
    dryRun: true,
    apiId,
    revision: preview.revision,
    target: preview.targetEnvironmentKey,
    action: preview.action,
    targetReadable: preview.targetReadable,
    targetApiId: preview.targetApiId,
    targetRevision: preview.targetRevision,
    changes: preview.changes,
    diff: preview.diff,
    included: preview.included,
    excluded: preview.excluded,
    definition: preview.definition,
    exit_gate: toGate(preview.evaluations.exitGate, 'exit'),
    entry_gate: toGate(preview.evaluations.entryGate, 'entry'),
    directUnavailableReason: preview.directUnavailableReason,
  };
}

// Audit -------------------------------------------------------------------------------------------

export const auditEventResource = z.object({
  seq: z.int(),
  occurredAt: timestamp,
  actor: z.object({ type: z.enum(['user', 'token', 'system']), id: z.string().nullable(), name: z.string() }),
  authMethod: z.string().nullable(),
  sourceIp: z.string().nullable(),
  action: z.string(),
  environments: z.array(z.object({ key: z.string(), name: z.string() })),
  target: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }).nullable(),
  outcome: z.enum(['success', 'denied', 'error']),
  reason: z.string().nullable(),
});
export const auditListResponse = z.object({
  items: z.array(auditEventResource),
  /** Older events: pass as `cursor`. */
  nextCursor: z.string().nullable(),
  /** Newer events: pass as `before`. */
  previousCursor: z.string().nullable(),
});
export const auditVerificationResource = z.object({
  isIntact: z.boolean(),
  intactUpTo: z.int().nullable(),
  firstBreak: z
    .object({ seq: z.int(), sealId: z.int().nullable(), reason: z.string(), detail: z.string() })
    .nullable(),
  sealedEvents: z.int(),
  seals: z.int(),
  unsealedEvents: z.int(),
  headHash: z.string().nullable(),
  message: z.string(),
});

/** The audit page's filters from a query string; an invalid one is a 400 naming it. */
export function auditFiltersFrom(params: URLSearchParams): AuditFilters {
  const { filters, errors } = parseAuditFilters(params);
  if (Object.keys(errors).length)
    throw new AppError('validation', 'Some filters are invalid.', { fieldErrors: errors });
  return filters;
}

export function toAuditEvent(item: AuditListItem): z.input<typeof auditEventResource> {
  return {
    seq: item.seq,
    occurredAt: iso(item.occurredAt),
    actor: { type: item.actorType, id: item.actorId, name: item.actorName },
    authMethod: item.authMethod,
    sourceIp: item.sourceIp,
    action: item.action,
    environments: item.environments.map((environment) => ({ key: environment.key, name: environment.name })),
    target: item.targetType ? { type: item.targetType, id: item.targetId, name: item.targetName } : null,
    outcome: item.outcome,
    reason: item.reason,
  };
}
