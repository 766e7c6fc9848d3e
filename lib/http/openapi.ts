import { z } from 'zod';

import { promotionEvents } from '@/lib/outbox/events';

import { approvePromotionInput } from '@/lib/promotions/approve-promotion';
import { promotionFilters } from '@/lib/promotions/queries';
import { rejectPromotionInput } from '@/lib/promotions/reject-promotion';

import * as dialects from '@/lib/dialects/schemas';

import * as admin from './admin-resources';
import * as resources from './resources';
import * as hooks from './webhook-resources';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas that validate requests and shape
 * responses, so the document cannot drift from the code. Contract tests validate live responses
 * against it.
 */

const schemas = {
  Environments: resources.environmentsResponse,
  ApiList: resources.apiListResponse,
  Api: resources.apiResource,
  RevisionList: resources.revisionListResponse,
  Revision: resources.revisionWithDefinitionResource,
  Promotion: resources.promotionResource,
  PromotionList: resources.promotionListResponse,
  DryRun: resources.dryRunResource,
  Problem: resources.problemResource,
  AuditList: resources.auditListResponse,
  AuditVerification: resources.auditVerificationResource,
  DefinitionUpdate: resources.definitionUpdateBody,
  PromotionRequest: resources.promotionBody,
  ApprovePromotion: approvePromotionInput,
  ApprovalPolicy: resources.approvalPolicyResource,
  ApprovalPolicyUpdate: resources.approvalPolicyBody,
  RejectPromotion: rejectPromotionInput,
  EnvironmentSettings: resources.environmentSettingsResource,
  EnvironmentCreate: resources.environmentCreateBody,
  EnvironmentSettingsUpdate: resources.environmentSettingsBody,
  Installation: resources.installationSummaryResource,
  InstallationCreate: resources.installationCreateBody,
  InstallationRename: resources.installationRenameBody,
  Lifecycle: resources.lifecycleResource,
  LifecycleUpdate: resources.lifecycleBody,
  UserList: admin.userListResponse,
  User: admin.userResource,
  UserCreate: admin.userCreateBody,
  UserUpdate: admin.userUpdateBody,
  OneTimePassword: admin.oneTimePasswordResource,
  Role: admin.roleBody,
  RoleGranted: z.object({ role: z.string(), previousRole: z.string().nullable() }),
  GroupList: admin.groupListResponse,
  Group: admin.groupResource,
  GroupCreate: admin.groupCreateBody,
  GroupUpdate: admin.groupUpdateBody,
  GroupMember: admin.groupMemberBody,
  Webhook: hooks.webhookResource,
  WebhookCreated: hooks.webhookCreatedResource,
  WebhookList: hooks.webhookListResponse,
  WebhookCreate: hooks.webhookCreateBody,
  WebhookUpdate: hooks.webhookUpdateBody,
  WebhookSecret: hooks.webhookSecretResource,
  WebhookDeliveryList: hooks.webhookDeliveryListResponse,
  WebhookRedelivery: z.object({ status: z.literal('pending') }),
  WebhookEvent: hooks.webhookEventResource,
  DroneBuild: dialects.droneBuild,
  DroneError: dialects.droneError,
  CodefreshCommitRequest: dialects.commitBody,
  CodefreshCommit: dialects.codefreshCommit,
  CodefreshPullRequestRequest: dialects.pullRequestBody,
  CodefreshPullRequest: dialects.codefreshPullRequest,
  CodefreshError: dialects.codefreshError,
  JfrogPromoteRequest: dialects.promoteVersionBody,
  JfrogPromotion: dialects.jfrogPromotion,
  JfrogError: dialects.jfrogError,
  Health: z.object({
    status: z.literal('ok'),
    database: z
      .object({ status: z.literal('ok'), driver: z.enum(['pglite', 'postgres']), latencyMs: z.number() })
      .optional(),
  }),
} satisfies Record<string, z.ZodType>;

type SchemaName = keyof typeof schemas;
const requestSchemas = new Set<SchemaName>([
  'DefinitionUpdate',
  'PromotionRequest',
  'ApprovePromotion',
  'ApprovalPolicyUpdate',
  'RejectPromotion',
  'EnvironmentCreate',
  'EnvironmentSettingsUpdate',
  'InstallationCreate',
  'InstallationRename',
  'LifecycleUpdate',
  'UserCreate',
  'UserUpdate',
  'Role',
  'GroupCreate',
  'GroupUpdate',
  'GroupMember',
  'WebhookCreate',
  'WebhookUpdate',
  'CodefreshCommitRequest',
  'CodefreshPullRequestRequest',
  'JfrogPromoteRequest',
]);

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

const problemStatuses: Record<number, string> = {
  400: 'Invalid request: every invalid field is named in `errors`',
  401: 'No or invalid API token',
  403: 'Authenticated, but not allowed to do this on something the caller can see',
  404: 'Unknown, or outside the caller’s reach',
  409: 'A pending promotion of this API to that target exists (the body names it), the promotion is already decided, you already approved it, or (administration) the change is refused as it stands: the environment or group is still in use, the last organization admin, already so',
  413: 'Body over 64 KiB (for a definition: over the definition size limit plus 64 KiB)',
  415: 'Body is not JSON',
  422: 'No changes found between source and destination, a gate or an allowed-sources rule refuses it, or (for settings and policies) nothing changed',
  429: 'Too many requests (see Retry-After)',
};

function responses(
  success: Record<number, { description: string; schema?: SchemaName; headers?: object }>,
  problems: number[],
) {
  const out: Record<string, unknown> = {};
  for (const [status, { description, schema, headers }] of Object.entries(success)) {
    out[status] = {
      description,
      ...(headers ? { headers } : {}),
      ...(schema ? { content: { 'application/json': { schema: ref(schema) } } } : {}),
    };
  }
  for (const status of [401, ...problems]) {
    out[status] = {
      description: problemStatuses[status],
      content: { 'application/problem+json': { schema: ref('Problem') } },
    };
  }
  return out;
}

const body = (schema: SchemaName, required = true) => ({
  required,
  content: { 'application/json': { schema: ref(schema) } },
});
const pathParam = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const queryParam = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const location = { Location: { description: 'The promotion', schema: { type: 'string' } } };
const promotionId = pathParam('id', 'Promotion id', { type: 'string', format: 'uuid' });
const webhookId = pathParam('webhook', 'Webhook id', { type: 'string', format: 'uuid' });
const apiId = pathParam('id', 'API id', { type: 'string', format: 'uuid' });

const filterSchema = z.toJSONSchema(promotionFilters, { io: 'input', unrepresentable: 'any' }) as {
  properties: Record<string, object>;
};

const approveResponses = {
  200: {
    description: 'Approved: still pending (see approvals), or the policy is met and it was applied',
    schema: 'Promotion' as const,
  },
  202: {
    description: 'Approved and the policy is met; applying in a job (GET the Location for the outcome)',
    schema: 'Promotion' as const,
    headers: location,
  },
};

const envParam = pathParam('env', 'Environment key, e.g. qa');
const installationParam = pathParam('installation', 'Installation key, e.g. development');

const paths = {
  '/environments': {
    get: {
      operationId: 'listEnvironments',
      summary: 'Installations and environments the caller may see',
      responses: responses({ 200: { description: 'OK', schema: 'Environments' } }, []),
    },
    post: {
      operationId: 'createEnvironment',
      summary: 'Create an environment in an installation, at a place in its lifecycle (organization admins)',
      requestBody: body('EnvironmentCreate'),
      responses: responses(
        { 201: { description: 'Created', schema: 'EnvironmentSettings' } },
        [400, 404, 413, 415],
      ),
    },
  },
  '/environments/{env}': {
    get: {
      operationId: 'getEnvironment',
      summary: 'An environment and its settings as a promotion target',
      parameters: [envParam],
      responses: responses({ 200: { description: 'OK', schema: 'EnvironmentSettings' } }, [404]),
    },
    patch: {
      operationId: 'updateEnvironment',
      summary:
        'Change name, allowed sources or direct promotion (environment admins); the key (organization admins, while it holds no API)',
      parameters: [envParam],
      requestBody: body('EnvironmentSettingsUpdate'),
      responses: responses(
        { 200: { description: 'The settings now', schema: 'EnvironmentSettings' } },
        [400, 403, 404, 413, 415, 422],
      ),
    },
    delete: {
      operationId: 'deleteEnvironment',
      summary:
        'Delete an environment nothing depends on (organization admins); 409 names what it holds (APIs, promotions, a saved policy)',
      parameters: [envParam],
      responses: responses({ 204: { description: 'Deleted' } }, [404, 409]),
    },
  },
  '/installations': {
    post: {
      operationId: 'createInstallation',
      summary: 'Create an installation, last in order (organization admins)',
      requestBody: body('InstallationCreate'),
      responses: responses({ 201: { description: 'Created', schema: 'Installation' } }, [400, 404, 413, 415]),
    },
  },
  '/installations/{installation}': {
    patch: {
      operationId: 'renameInstallation',
      summary: 'Rename an installation (organization admins)',
      parameters: [installationParam],
      requestBody: body('InstallationRename'),
      responses: responses(
        { 200: { description: 'Renamed', schema: 'Installation' } },
        [400, 404, 413, 415, 422],
      ),
    },
  },
  '/installations/{installation}/lifecycle': {
    put: {
      operationId: 'reorderLifecycle',
      summary: "Put the installation's environments in a new lifecycle order (organization admins)",
      parameters: [installationParam],
      requestBody: body('LifecycleUpdate'),
      responses: responses(
        { 200: { description: 'The new order', schema: 'Lifecycle' } },
        [400, 404, 413, 415, 422],
      ),
    },
  },
  '/environments/{env}/apis': {
    get: {
      operationId: 'listApis',
      summary:
        'APIs of an environment, found by name or context path and state, by name or last change (keyset cursor)',
      parameters: [
        pathParam('env', 'Environment key, e.g. dev'),
        queryParam('q', 'Part of the name or the context path, any case (at most 200 characters)'),
        queryParam('state', 'Lifecycle state', {
          type: 'string',
          enum: ['created', 'published', 'unpublished', 'deprecated', 'archived'],
        }),
        queryParam('sort', 'name (A–Z, the default) or changed (newest change first)', {
          type: 'string',
          enum: ['name', 'changed'],
        }),
        queryParam('limit', 'Page size, 1–100 (default 25)', { type: 'integer', minimum: 1, maximum: 100 }),
        queryParam('cursor', 'From the previous page (with the same q, state and sort)'),
      ],
      responses: responses({ 200: { description: 'OK', schema: 'ApiList' } }, [400, 404]),
    },
  },
  '/environments/{env}/policy': {
    get: {
      operationId: 'getApprovalPolicy',
      summary: 'The approval policy for promotions into this environment',
      parameters: [pathParam('env', 'Environment key, e.g. prod')],
      responses: responses({ 200: { description: 'OK', schema: 'ApprovalPolicy' } }, [404]),
    },
    put: {
      operationId: 'updateApprovalPolicy',
      summary: 'Replace the approval policy with a new version (environment admins)',
      parameters: [pathParam('env', 'Environment key, e.g. prod')],
      requestBody: body('ApprovalPolicyUpdate'),
      responses: responses(
        { 200: { description: 'The new version', schema: 'ApprovalPolicy' } },
        [400, 403, 404, 413, 415, 422],
      ),
    },
  },
  '/apis/{id}': {
    get: {
      operationId: 'getApi',
      summary: 'One API with its current definition',
      parameters: [apiId],
      responses: responses({ 200: { description: 'OK', schema: 'Api' } }, [404]),
    },
  },
  '/apis/{id}/revisions': {
    get: {
      operationId: 'listRevisions',
      summary: 'Revisions of an API, newest first',
      parameters: [apiId, queryParam('cursor', 'Continue below this revision number')],
      responses: responses({ 200: { description: 'OK', schema: 'RevisionList' } }, [404]),
    },
  },
  '/apis/{id}/definition': {
    put: {
      operationId: 'updateDefinition',
      summary:
        'Save a new definition: makes the next revision and returns it. A definition may be up to 1 MiB of JSON (400 over it)',
      parameters: [apiId],
      requestBody: body('DefinitionUpdate'),
      responses: responses(
        { 200: { description: 'The new revision', schema: 'Revision' } },
        [400, 403, 404, 409, 413, 415, 422],
      ),
    },
  },
  '/apis/{id}/promotions': {
    post: {
      operationId: 'promoteApi',
      summary:
        'Request a promotion (mode=request), apply one now (mode=direct), or preview one (type=dry_run)',
      parameters: [
        apiId,
        queryParam('async', 'true: with mode=direct, apply in a job and answer 202', { type: 'boolean' }),
      ],
      requestBody: body('PromotionRequest'),
      responses: responses(
        {
          200: { description: 'Dry run: what would happen; nothing was written', schema: 'DryRun' },
          201: { description: 'Requested, or applied (direct)', schema: 'Promotion', headers: location },
          202: {
            description: 'Direct and async: applying; GET the Location for the outcome',
            schema: 'Promotion',
            headers: location,
          },
        },
        [400, 403, 404, 409, 413, 415, 422],
      ),
    },
  },
  '/apis/{id}/revisions/{revision}/promote': {
    post: {
      operationId: 'promoteRevision',
      summary:
        'The Drone form: every query parameter but the options (target, mode, type, async) becomes a promotion parameter',
      parameters: [
        apiId,
        pathParam('revision', 'Revision number', { type: 'integer', minimum: 1 }),
        { ...queryParam('target', 'Target environment key'), required: true },
        queryParam('mode', 'request (default) or direct', { enum: ['request', 'direct'] }),
        queryParam('type', 'copy (default), move or dry_run', { enum: ['copy', 'move', 'dry_run'] }),
        queryParam('async', 'true: a direct apply runs as a job (202)', { type: 'boolean' }),
      ],
      responses: responses(
        {
          200: { description: 'A dry run', schema: 'DryRun' },
          201: { description: 'Requested, or applied directly', schema: 'Promotion', headers: location },
          202: { description: 'Applying in a job', schema: 'Promotion', headers: location },
        },
        [400, 403, 404, 409, 422],
      ),
    },
  },
  '/promotions': {
    get: {
      operationId: 'listPromotions',
      summary: 'Promotions the caller may see, newest first; status=pending is the caller’s inbox',
      parameters: Object.entries(filterSchema.properties).map(([name, schema]) =>
        queryParam(name, name, schema),
      ),
      responses: responses({ 200: { description: 'OK', schema: 'PromotionList' } }, [400]),
    },
  },
  '/promotions/{id}': {
    get: {
      operationId: 'getPromotion',
      summary: 'One promotion',
      parameters: [promotionId],
      responses: responses({ 200: { description: 'OK', schema: 'Promotion' } }, [404]),
    },
  },
  '/promotions/{id}/approve': {
    post: {
      operationId: 'approvePromotion',
      summary:
        'Approve a pending promotion; when the approvals meet the target’s approval policy it is applied',
      parameters: [
        promotionId,
        queryParam('async', 'true: when this approval completes the policy, apply in a job and answer 202', {
          type: 'boolean',
        }),
      ],
      requestBody: body('ApprovePromotion', false),
      responses: responses(approveResponses, [400, 403, 404, 409, 413, 415]),
    },
  },
  '/promotions/{id}/accept': {
    post: {
      operationId: 'acceptPromotion',
      summary: 'The same as /approve, kept for clients of the first version',
      deprecated: true,
      parameters: [
        promotionId,
        queryParam('async', 'true: when this approval completes the policy, apply in a job and answer 202', {
          type: 'boolean',
        }),
      ],
      requestBody: body('ApprovePromotion', false),
      responses: responses(approveResponses, [400, 403, 404, 409, 413, 415]),
    },
  },
  '/promotions/{id}/reject': {
    post: {
      operationId: 'rejectPromotion',
      summary: 'Reject a pending promotion',
      parameters: [promotionId],
      requestBody: body('RejectPromotion', false),
      responses: responses(
        { 200: { description: 'Rejected', schema: 'Promotion' } },
        [400, 403, 404, 409, 413, 415],
      ),
    },
  },
  '/promotions/{id}/update': {
    post: {
      operationId: 'updatePromotionRequest',
      summary:
        'The requester brings a pending request up to the source’s current revision: a new request replaces it (approvals start again)',
      parameters: [promotionId],
      responses: responses(
        { 201: { description: 'The new request', schema: 'Promotion', headers: location } },
        [403, 404, 409],
      ),
    },
  },
  '/promotions/{id}/cancel': {
    post: {
      operationId: 'cancelPromotion',
      summary: 'Withdraw your own pending request',
      parameters: [promotionId],
      responses: responses({ 200: { description: 'Cancelled', schema: 'Promotion' } }, [403, 404, 409]),
    },
  },
};

const auditFilterParams = [
  queryParam('from', 'Events at or after (ISO date or time)'),
  queryParam('to', 'Events before (ISO date or time)'),
  queryParam('actor', 'Actor user id, or part of the name'),
  queryParam('action', 'One action, e.g. promotion.accepted'),
  queryParam('environment', 'Environment key'),
  queryParam('api', 'API id'),
  queryParam('outcome', 'success, denied or error'),
];

Object.assign(paths, {
  '/audit': {
    get: {
      operationId: 'listAuditEvents',
      summary:
        'The audit trail the caller may read (organization admins: all; AUDIT:READ: their environments), newest first',
      parameters: [
        ...auditFilterParams,
        queryParam('cursor', 'Older events: the nextCursor of a page'),
        queryParam('before', 'Newer events: the previousCursor of a page'),
      ],
      responses: responses({ 200: { description: 'OK', schema: 'AuditList' } }, [400, 404]),
    },
  },
  '/audit/export': {
    get: {
      operationId: 'exportAuditEvents',
      summary: 'The same events, streamed as CSV or NDJSON',
      parameters: [
        ...auditFilterParams,
        queryParam('format', 'csv (default) or ndjson', { enum: ['csv', 'ndjson'] }),
      ],
      responses: {
        ...responses({}, [400, 404]),
        200: {
          description: 'A download',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
        },
      },
    },
  },
  '/audit/verify': {
    get: {
      operationId: 'verifyAuditTrail',
      summary:
        'Seal what can be sealed and verify the whole chain: intact up to event N, or the first break and why (organization admins)',
      responses: responses({ 200: { description: 'The verdict', schema: 'AuditVerification' } }, [403, 404]),
    },
  },
});

const userParam = pathParam('user', 'User id', { type: 'string', format: 'uuid' });
const groupParam = pathParam('group', 'Group id', { type: 'string', format: 'uuid' });
const adminOnly = '(organization admins; 404 to anyone else)';

// Administration: people, their roles, groups.
Object.assign(paths, {
  '/users': {
    get: {
      operationId: 'listUsers',
      summary: `Users by name, with their roles in brief ${adminOnly}`,
      parameters: [
        queryParam('q', 'Part of the name or email'),
        queryParam('cursor', 'From the previous page'),
        queryParam('limit', 'Page size, 1 to 100 (default 25)', { type: 'integer' }),
      ],
      responses: responses({ 200: { description: 'OK', schema: 'UserList' } }, [404]),
    },
    post: {
      operationId: 'createUser',
      summary: `Create a user; the one-time password (null with single sign-on) is in this response only ${adminOnly}`,
      requestBody: body('UserCreate'),
      responses: responses(
        { 201: { description: 'Created', schema: 'OneTimePassword' } },
        [400, 404, 413, 415],
      ),
    },
  },
  '/users/{user}': {
    get: {
      operationId: 'getUser',
      summary: `A user with every role, group and active token ${adminOnly}`,
      parameters: [userParam],
      responses: responses({ 200: { description: 'OK', schema: 'User' } }, [404]),
    },
    patch: {
      operationId: 'updateUser',
      summary: `Disable (sessions end, tokens refused) or enable a user; 409 for yourself or the last admin ${adminOnly}`,
      parameters: [userParam],
      requestBody: body('UserUpdate'),
      responses: responses(
        { 200: { description: 'The user now', schema: 'User' } },
        [400, 404, 409, 413, 415],
      ),
    },
  },
  '/users/{user}/password-reset': {
    post: {
      operationId: 'resetPassword',
      summary: `A new one-time password, in this response only; the user's sessions end ${adminOnly}`,
      parameters: [userParam],
      responses: responses({ 200: { description: 'Reset', schema: 'OneTimePassword' } }, [404]),
    },
  },
  '/users/{user}/sessions': {
    delete: {
      operationId: 'signOutEverywhere',
      summary: 'End every open session of the user (organization admins, or the user)',
      parameters: [userParam],
      responses: responses({ 204: { description: 'Signed out everywhere' } }, [403, 404]),
    },
  },
  '/users/{user}/roles/organization': {
    put: {
      operationId: 'setOrganizationRole',
      summary: `Make the user an organization ADMIN or USER; 409 for the last admin ${adminOnly}`,
      parameters: [userParam],
      requestBody: body('Role'),
      responses: responses(
        { 200: { description: 'Granted', schema: 'RoleGranted' } },
        [400, 404, 409, 413, 415, 422],
      ),
    },
  },
  '/users/{user}/roles/environments/{env}': {
    put: {
      operationId: 'grantEnvironmentRole',
      summary: `Give the user a role in the environment, replacing the one held there ${adminOnly}`,
      parameters: [userParam, envParam],
      requestBody: body('Role'),
      responses: responses(
        { 200: { description: 'Granted', schema: 'RoleGranted' } },
        [400, 404, 409, 413, 415, 422],
      ),
    },
    delete: {
      operationId: 'revokeEnvironmentRole',
      summary: `Take the user's own role in the environment away (roles through groups stay) ${adminOnly}`,
      parameters: [userParam, envParam],
      responses: responses({ 204: { description: 'Revoked' } }, [404]),
    },
  },
  '/environments/{env}/webhooks': {
    get: {
      operationId: 'listEnvironmentWebhooks',
      summary: "The environment's webhooks (environment admins)",
      parameters: [pathParam('env', 'Environment key, e.g. prod')],
      responses: responses({ 200: { description: 'OK', schema: 'WebhookList' } }, [404]),
    },
    post: {
      operationId: 'createEnvironmentWebhook',
      summary:
        'A webhook for promotions from or into the environment (environment admins); the signing secret is in this response only. Loopback and private addresses are refused (400) unless the server allows them',
      parameters: [pathParam('env', 'Environment key, e.g. prod')],
      requestBody: body('WebhookCreate'),
      responses: responses(
        { 201: { description: 'Created, with its secret', schema: 'WebhookCreated' } },
        [400, 403, 404, 413, 415],
      ),
    },
  },
  '/webhooks': {
    get: {
      operationId: 'listOwnWebhooks',
      summary: "The caller's own webhooks: events of the promotions they requested",
      responses: responses({ 200: { description: 'OK', schema: 'WebhookList' } }, []),
    },
    post: {
      operationId: 'createOwnWebhook',
      summary: 'A webhook of your own; the signing secret is in this response only',
      requestBody: body('WebhookCreate'),
      responses: responses(
        { 201: { description: 'Created, with its secret', schema: 'WebhookCreated' } },
        [400, 413, 415],
      ),
    },
  },
  '/webhooks/{webhook}': {
    get: {
      operationId: 'getWebhook',
      summary: 'A webhook you manage: your own, or one of an environment you administer',
      parameters: [webhookId],
      responses: responses({ 200: { description: 'OK', schema: 'Webhook' } }, [404]),
    },
    patch: {
      operationId: 'updateWebhook',
      summary: 'Change its URL, events or active flag (422 when nothing changes)',
      parameters: [webhookId],
      requestBody: body('WebhookUpdate'),
      responses: responses({ 200: { description: 'OK', schema: 'Webhook' } }, [400, 403, 404, 413, 415, 422]),
    },
    delete: {
      operationId: 'deleteWebhook',
      summary: 'Delete it and its delivery log',
      parameters: [webhookId],
      responses: responses({ 204: { description: 'Deleted' } }, [403, 404]),
    },
  },
  '/webhooks/{webhook}/secret': {
    post: {
      operationId: 'rotateWebhookSecret',
      summary: 'A new signing secret, in this response only; the old one stops signing at once',
      parameters: [webhookId],
      responses: responses({ 200: { description: 'The new secret', schema: 'WebhookSecret' } }, [403, 404]),
    },
  },
  '/webhooks/{webhook}/deliveries': {
    get: {
      operationId: 'listWebhookDeliveries',
      summary:
        'The delivery log, newest first: status, attempts, the last answer (status code, duration, 500 characters), the next retry',
      parameters: [
        webhookId,
        queryParam('cursor', 'From the previous page'),
        queryParam('limit', '1–100 (default 25)', { type: 'integer', minimum: 1, maximum: 100 }),
      ],
      responses: responses({ 200: { description: 'OK', schema: 'WebhookDeliveryList' } }, [400, 404]),
    },
  },
  '/webhooks/{webhook}/deliveries/{delivery}/redeliver': {
    post: {
      operationId: 'redeliverWebhookDelivery',
      summary:
        'Send a finished delivery again, with the same event id and a fresh 24 hours of retries (409 while it is still being retried)',
      parameters: [webhookId, pathParam('delivery', 'Delivery id', { type: 'string', format: 'uuid' })],
      responses: responses({ 202: { description: 'Queued', schema: 'WebhookRedelivery' } }, [403, 404, 409]),
    },
  },
  '/tokens/{token}': {
    delete: {
      operationId: 'revokeToken',
      summary: 'Revoke an API token at once (its owner, or an organization admin)',
      parameters: [pathParam('token', 'Token id', { type: 'string', format: 'uuid' })],
      responses: responses({ 204: { description: 'Revoked' } }, [404, 409]),
    },
  },
  '/groups': {
    get: {
      operationId: 'listGroups',
      summary: `Every group, in lifecycle order of its environment ${adminOnly}`,
      responses: responses({ 200: { description: 'OK', schema: 'GroupList' } }, [404]),
    },
    post: {
      operationId: 'createGroup',
      summary: `Create a group in an environment, with the environment role its members hold (or none) ${adminOnly}`,
      requestBody: body('GroupCreate'),
      responses: responses({ 201: { description: 'Created', schema: 'Group' } }, [400, 404, 413, 415]),
    },
  },
  '/groups/{group}': {
    get: {
      operationId: 'getGroup',
      summary: `A group with its members ${adminOnly}`,
      parameters: [groupParam],
      responses: responses({ 200: { description: 'OK', schema: 'Group' } }, [404]),
    },
    patch: {
      operationId: 'updateGroup',
      summary: `Rename the group or change the environment role its members hold ${adminOnly}`,
      parameters: [groupParam],
      requestBody: body('GroupUpdate'),
      responses: responses(
        { 200: { description: 'The group now', schema: 'Group' } },
        [400, 404, 413, 415, 422],
      ),
    },
    delete: {
      operationId: 'deleteGroup',
      summary: `Delete a group; 409 while an approval policy asks for it or it is a member of APIs ${adminOnly}`,
      parameters: [groupParam],
      responses: responses({ 204: { description: 'Deleted' } }, [404, 409]),
    },
  },
  '/groups/{group}/members': {
    post: {
      operationId: 'addGroupMember',
      summary: `Add a member, with the API role they get on the group's APIs ${adminOnly}`,
      parameters: [groupParam],
      requestBody: body('GroupMember'),
      responses: responses(
        { 201: { description: 'The group now', schema: 'Group' } },
        [400, 404, 409, 413, 415],
      ),
    },
  },
  '/groups/{group}/members/{user}': {
    delete: {
      operationId: 'removeGroupMember',
      summary: `Remove a member: what they held through the group stops counting ${adminOnly}`,
      parameters: [groupParam, userParam],
      responses: responses({ 204: { description: 'Removed' } }, [404]),
    },
  },
});

/** A dialect's answers: its success schema, and its own error body for every refusal. */
function dialectResponses(
  success: Record<number, { description: string; schema: SchemaName }>,
  errors: number[],
  error: SchemaName,
) {
  const out: Record<string, unknown> = {};
  for (const [status, { description, schema }] of Object.entries(success)) {
    out[status] = { description, content: { 'application/json': { schema: ref(schema) } } };
  }
  for (const status of [401, ...errors]) {
    out[status] = {
      description: problemStatuses[status],
      content: { 'application/json': { schema: ref(error) } },
    };
  }
  return out;
}

// The seeds' own APIs, outside /api/v1: each path names its server.
const droneRepo = [
  pathParam('namespace', 'The source environment key, e.g. dev'),
  pathParam('name', "The API's slug: its name in lowercase, other characters as -"),
  pathParam('number', 'Build number: a revision, or (lookup) a promotion number', { type: 'integer' }),
];
Object.assign(paths, {
  '/repos/{namespace}/{name}/builds/{number}/promote': {
    servers: [{ url: '/api' }],
    post: {
      tags: ['Drone'],
      operationId: 'dronePromoteBuild',
      summary:
        "Drone's promote: revision {number} to `target`; every other field (query string, form or JSON body) is a parameter. Answers the new build.",
      parameters: [...droneRepo, { ...queryParam('target', 'Target environment key (or in the body)') }],
      requestBody: {
        required: false,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', additionalProperties: { type: 'string' } },
          },
          'application/json': { schema: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
      responses: dialectResponses(
        { 200: { description: 'The new build (a promotion)', schema: 'DroneBuild' } },
        [400, 403, 404, 409, 415, 422, 429],
        'DroneError',
      ),
    },
  },
  '/repos/{namespace}/{name}/builds/{number}': {
    servers: [{ url: '/api' }],
    get: {
      tags: ['Drone'],
      operationId: 'droneGetBuild',
      summary: 'A build: the promotion with that number, else the revision',
      parameters: droneRepo,
      responses: dialectResponses(
        { 200: { description: 'OK', schema: 'DroneBuild' } },
        [404, 429],
        'DroneError',
      ),
    },
  },
});

Object.assign(paths, {
  '/health': {
    servers: [{ url: '/api' }],
    get: {
      operationId: 'health',
      summary:
        'Liveness (no token, touches nothing); `?ready=1`: readiness, the database answers within 2 s, else 503. For load balancers.',
      security: [],
      parameters: [queryParam('ready', '1: also check the database', { enum: ['1', 'true'] })],
      responses: {
        200: { description: 'Alive (and ready)', content: { 'application/json': { schema: ref('Health') } } },
        503: {
          description: 'Not ready: the database did not answer',
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      },
    },
  },
});

const codefreshPaths = (action: 'commit' | 'pullRequest') => ({
  servers: [{ url: '/api' }],
  post: {
    tags: ['Codefresh'],
    operationId: `codefresh${action === 'commit' ? 'Commit' : 'PullRequest'}`,
    summary:
      action === 'commit'
        ? "Codefresh's commit promotion: applied at once (a direct promotion) where the destination allows it. COMMIT_SHA is the SHA-1 of the new revision (target API id, revision number, canonical definition). `Authorization: <token>` bare, as Codefresh sends it."
        : "Codefresh's pull-request promotion: a request for the destination's approvers; `head` is kept as a parameter.",
    requestBody: body(action === 'commit' ? 'CodefreshCommitRequest' : 'CodefreshPullRequestRequest'),
    responses: dialectResponses(
      {
        201: {
          description: 'Promoted',
          schema: action === 'commit' ? 'CodefreshCommit' : 'CodefreshPullRequest',
        },
      },
      [400, 403, 404, 409, 413, 415, 422, 429],
      'CodefreshError',
    ),
  },
});
Object.assign(paths, {
  '/promotions/commit': codefreshPaths('commit'),
  '/promotions/pullRequest': codefreshPaths('pullRequest'),
  '/applications/{application_key}/versions/{version}/promote': {
    servers: [{ url: '/apptrust/api/v1' }],
    post: {
      tags: ['JFrog'],
      operationId: 'jfrogPromoteApplicationVersion',
      summary:
        "JFrog AppTrust's promote: the application (an API by its slug) at this version, from the stage before `target_stage` that holds it. Repository keys are definition parts. 201 when done synchronously, 200 with `async=true`.",
      parameters: [
        pathParam('application_key', "The API's slug"),
        pathParam('version', "The definition's version, e.g. 1.2.0"),
        queryParam('async', 'true: answer 200 (Promoted, asynchronous) instead of 201', { type: 'boolean' }),
      ],
      requestBody: body('JfrogPromoteRequest'),
      responses: dialectResponses(
        {
          200: { description: 'Promoted (asynchronous)', schema: 'JfrogPromotion' },
          201: { description: 'Promoted (synchronous)', schema: 'JfrogPromotion' },
        },
        [400, 403, 404, 409, 413, 415, 422, 429],
        'JfrogError',
      ),
    },
  },
});

// Operations grouped as the reference shows them, by the first segment of their path.
const tagOfSegment: Record<string, string> = {
  environments: 'Environments',
  apis: 'APIs',
  promotions: 'Promotions',
  audit: 'Audit',
  tokens: 'Tokens',
  users: 'Administration',
  groups: 'Administration',
  installations: 'Administration',
  health: 'Health',
  webhooks: 'Webhooks',
  'openapi.json': 'Reference',
};

function tagged(pathItems: Record<string, Record<string, unknown>>) {
  return Object.fromEntries(
    Object.entries(pathItems).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([key, value]) => {
          const isOperation = typeof value === 'object' && value !== null && 'operationId' in value;
          if (!isOperation || 'tags' in value) return [key, value];
          return [key, { tags: [tagOfSegment[path.split('/')[1] ?? ''] ?? 'Other'], ...value }];
        }),
      ),
    ]),
  );
}

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Stageway REST API',
      version: '1',
      description:
        'Promote API definitions between environments. Authenticate with `Authorization: Bearer <token>` (a bare token is accepted too). Errors are RFC 9457 application/problem+json.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerToken: [] }],
    paths: tagged(paths),
    // What Stageway POSTs to webhook URLs (OpenAPI 3.1): one body schema for every event, signed as the
    // README's "Webhooks" section describes.
    webhooks: Object.fromEntries(
      Object.entries(promotionEvents).map(([type, meaning]) => [
        type,
        {
          post: {
            operationId: `webhook:${type}`,
            summary: meaning,
            description:
              'Headers: `Stageway-Event` (the type), `Stageway-Event-Id` (the event id: the same on every retry), `Stageway-Delivery`, and `Stageway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>`. Answer 2xx within 10 s; anything else is retried with exponential backoff for 24 hours.',
            requestBody: body('WebhookEvent'),
            responses: { '2XX': { description: 'Received' } },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (stw_…)' },
      },
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [
          name,
          z.toJSONSchema(schema, {
            io: requestSchemas.has(name as SchemaName) ? 'input' : 'output',
            unrepresentable: 'any',
          }),
        ]),
      ),
    },
  };
  return cached;
}
