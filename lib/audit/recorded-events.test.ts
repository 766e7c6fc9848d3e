import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apis, users } from '@/db/schema';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { signOut } from '@/lib/auth/sessions';
import { signInWithOidc } from '@/lib/auth/oidc-sign-in';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { createEnvironment } from '@/lib/environments/create-environment';
import { deleteEnvironment } from '@/lib/environments/delete-environment';
import { createInstallation, renameInstallation } from '@/lib/environments/installation-writes';
import { reorderEnvironments } from '@/lib/environments/reorder-environments';
import { updateEnvironmentPolicy } from '@/lib/environments/update-environment-policy';
import { updateEnvironmentSettings } from '@/lib/environments/update-environment-settings';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
} from '@/lib/groups/group-writes';
import { createUser, resetUserPassword, setUserDisabled } from '@/lib/users/user-writes';
import { grantRole } from '@/lib/roles/grant-role';
import { revokeRole } from '@/lib/roles/revoke-role';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { applyQueuedPromotion } from '@/lib/promotions/apply-queued-promotion';
import { cancelPromotion } from '@/lib/promotions/cancel-promotion';
import { rejectPromotion } from '@/lib/promotions/reject-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { createApiToken } from '@/lib/tokens/create-api-token';
import { revokeApiToken } from '@/lib/tokens/revoke-api-token';
import {
  actorFor,
  apiNamed,
  auditEventsSince,
  createTestApi,
  environmentId,
  lastAuditSeq,
  setApprovalPolicy,
} from '@/test/fixtures';

import {
  createWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  updateWebhook,
} from '@/lib/webhooks/webhook-writes';
import { setEmailPreference } from '@/lib/users/email-preference';

import { auditActions } from './actions';
import { verifyAuditTrail } from './verify-audit-trail';

const from = { ip: '198.51.100.20', userAgent: 'vitest', requestId: 'req-1' };

async function userId(email: string) {
  const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, email));
  return row!.id;
}

type Expected = Record<string, unknown>;
type Case = {
  name: string;
  /** Runs the write; resolves to the events expected (in order), each matched field by field. */
  run: () => Promise<{ act: () => Promise<unknown>; events: Expected[]; error?: string }>;
};

/**
 * Every domain write on this branch, with exactly the events it must leave: one per success, one
 * `denied` per refusal of authorization, none for input that fails validation or a rule.
 */
const cases: Case[] = [
  {
    name: 'updateApiDefinition: saved',
    run: async () => {
      const alice = await actorFor('alice@example.com');
      const api = await apiNamed('dev', 'Order Tracking');
      return {
        act: () =>
          updateApiDefinition(alice, {
            apiId: api.id,
            baseRevision: api.currentRevision,
            definition: { ...api.definition, version: '3.0.0' },
            message: 'Major',
          }),
        events: [
          {
            action: 'api.updated',
            outcome: 'success',
            actorType: 'user',
            actorId: alice.userId,
            actorName: 'Alice Publisher',
            authMethod: 'password',
            sourceIp: '203.0.113.7',
            userAgent: 'vitest',
            requestId: 'test',
            environmentIds: [api.environmentId],
            targetType: 'api',
            targetId: api.id,
            reason: 'Major',
            changes: {
              before: { revision: api.currentRevision, definition: { version: api.version } },
              after: { revision: api.currentRevision + 1, definition: { version: '3.0.0' } },
            },
          },
        ],
      };
    },
  },
  {
    name: 'updateApiDefinition: refused (no DEFINITION:UPDATE)',
    run: async () => {
      const dave = await actorFor('dave@example.com');
      const api = await apiNamed('qa', 'Payments');
      return {
        act: () =>
          updateApiDefinition(dave, {
            apiId: api.id,
            baseRevision: api.currentRevision,
            definition: { ...api.definition, version: '9.0.0' },
          }),
        error: 'forbidden',
        events: [
          {
            action: 'api.updated',
            outcome: 'denied',
            actorId: dave.userId,
            targetId: api.id,
            environmentIds: [api.environmentId],
            reason: 'You may not change the definition of this API.',
            changes: null,
          },
        ],
      };
    },
  },
  {
    name: 'updateApiDefinition: invalid definition',
    run: async () => {
      const alice = await actorFor('alice@example.com');
      const api = await apiNamed('dev', 'Payments');
      return {
        act: () =>
          updateApiDefinition(alice, {
            apiId: api.id,
            baseRevision: api.currentRevision,
            definition: { ...api.definition, contextPath: 'no-slash' },
          }),
        error: 'validation',
        events: [],
      };
    },
  },
  {
    name: 'signInWithPassword: signed in',
    run: async () => ({
      act: () => signInWithPassword({ email: 'carol@example.com', password: 'stageway-demo' }, from),
      events: [
        {
          action: 'auth.signed_in',
          outcome: 'success',
          actorId: await userId('carol@example.com'),
          actorName: 'Carol Approver',
          authMethod: 'password',
          sourceIp: from.ip,
          requestId: 'req-1',
          targetType: 'user',
          targetId: await userId('carol@example.com'),
          changes: null,
        },
      ],
    }),
  },
  {
    name: 'signInWithPassword: wrong password',
    run: async () => ({
      act: () => signInWithPassword({ email: 'carol@example.com', password: 'hunter2' }, from),
      events: [
        {
          action: 'auth.sign_in_failed',
          outcome: 'denied',
          reason: 'wrong password',
          actorName: 'Carol Approver',
        },
      ],
    }),
  },
  {
    name: 'signInWithOidc: an email the provider has not verified',
    run: async () => ({
      act: () => signInWithOidc({ email: 'mallory@example.com', emailVerified: false }, from),
      events: [
        {
          action: 'auth.sign_in_failed',
          outcome: 'denied',
          actorId: null,
          actorName: 'mallory@example.com',
          authMethod: 'oidc',
          targetType: null,
        },
      ],
    }),
  },
  {
    name: 'signOut',
    run: async () => {
      const bob = await actorFor('bob@example.com');
      return {
        act: () => signOut(bob),
        events: [
          { action: 'auth.signed_out', outcome: 'success', actorId: bob.userId, targetId: bob.userId },
        ],
      };
    },
  },
  {
    name: 'grantRole: new role',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const erin = await userId('erin@example.com');
      const qa = await environmentId('qa');
      return {
        act: () => grantRole(admin, { userId: erin, scope: 'environment', environmentId: qa, role: 'USER' }),
        events: [
          {
            action: 'role.granted',
            outcome: 'success',
            actorId: admin.userId,
            actorName: 'Ada Admin',
            environmentIds: [qa],
            targetType: 'user',
            targetId: erin,
            changes: {
              after: { user: 'erin@example.com', scope: 'environment', environment: 'qa', role: 'USER' },
            },
          },
        ],
      };
    },
  },
  {
    name: 'grantRole: role replaced',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const dave = await userId('dave@example.com');
      const qa = await environmentId('qa');
      return {
        act: () =>
          grantRole(admin, { userId: dave, scope: 'environment', environmentId: qa, role: 'APPROVER' }),
        events: [
          {
            action: 'role.granted',
            targetId: dave,
            changes: {
              before: { scope: 'environment', environment: 'qa', role: 'PUBLISHER' },
              after: { scope: 'environment', environment: 'qa', role: 'APPROVER' },
            },
          },
        ],
      };
    },
  },
  {
    name: 'grantRole: refused (not an organization admin)',
    run: async () => {
      const bob = await actorFor('bob@example.com');
      const bobId = await userId('bob@example.com');
      return {
        act: () => grantRole(bob, { userId: bobId, scope: 'organization', role: 'ADMIN' }),
        error: 'not_found',
        events: [
          {
            action: 'role.granted',
            outcome: 'denied',
            actorId: bob.userId,
            targetId: bobId,
            reason: 'Not found.',
            changes: null,
          },
        ],
      };
    },
  },
  {
    name: 'grantRole: unknown role',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const erin = await userId('erin@example.com');
      return {
        act: () => grantRole(admin, { userId: erin, scope: 'organization', role: 'OWNER' }),
        error: 'validation',
        events: [],
      };
    },
  },
  {
    name: 'revokeRole: revoked',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const carol = await userId('carol@example.com');
      const prod = await environmentId('prod');
      return {
        act: () => revokeRole(admin, { userId: carol, scope: 'environment', environmentId: prod }),
        events: [
          {
            action: 'role.revoked',
            outcome: 'success',
            environmentIds: [prod],
            targetId: carol,
            changes: { before: { user: 'carol@example.com', environment: 'prod', role: 'APPROVER' } },
          },
        ],
      };
    },
  },
  {
    name: 'revokeRole: refused (not an organization admin)',
    run: async () => {
      const alice = await actorFor('alice@example.com');
      const carol = await userId('carol@example.com');
      return {
        act: async () =>
          revokeRole(alice, {
            userId: carol,
            scope: 'environment',
            environmentId: await environmentId('demo'),
          }),
        error: 'not_found',
        events: [{ action: 'role.revoked', outcome: 'denied', actorId: alice.userId, targetId: carol }],
      };
    },
  },
  {
    name: 'revokeRole: the last organization admin',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      return {
        act: () => revokeRole(admin, { userId: admin.userId, scope: 'organization' }),
        error: 'conflict',
        events: [],
      };
    },
  },
  {
    name: 'updateEnvironmentSettings: changed',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const demo = await environmentId('demo');
      const qa = await environmentId('qa');
      return {
        act: () =>
          updateEnvironmentSettings(admin, {
            environmentId: demo,
            name: 'Demo',
            allowedSourceIds: [qa],
          }),
        events: [
          {
            action: 'environment.updated',
            outcome: 'success',
            environmentIds: [demo],
            targetType: 'environment',
            targetId: demo,
            // Only what changed: the name was already Demo.
            changes: {
              before: { allowedSourceIds: null },
              after: { allowedSourceIds: [qa] },
            },
          },
        ],
      };
    },
  },
  {
    name: 'updateEnvironmentSettings: refused (no ENVIRONMENT:UPDATE)',
    run: async () => {
      const bob = await actorFor('bob@example.com');
      const qa = await environmentId('qa');
      return {
        act: () => updateEnvironmentSettings(bob, { environmentId: qa, directPromotionAllowed: false }),
        error: 'forbidden',
        events: [
          {
            action: 'environment.updated',
            outcome: 'denied',
            actorId: bob.userId,
            targetId: qa,
            environmentIds: [qa],
          },
        ],
      };
    },
  },
  {
    name: 'updateEnvironmentSettings: invalid',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      return {
        act: async () =>
          updateEnvironmentSettings(admin, {
            environmentId: await environmentId('qa'),
            name: '',
          }),
        error: 'validation',
        events: [],
      };
    },
  },
  {
    name: 'updateEnvironmentSettings: outside the actor’s reach',
    run: async () => {
      const alice = await actorFor('alice@example.com');
      return {
        act: async () =>
          updateEnvironmentSettings(alice, { environmentId: await environmentId('prod'), name: 'PRD' }),
        error: 'not_found',
        events: [],
      };
    },
  },

  // Promotions ------------------------------------------------------------------------------
  {
    name: 'requestPromotion: requested',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const qa = await environmentId('qa');
      return {
        act: () => requestPromotion(alice, { apiId: api.id, target: 'qa', title: 'T' }),
        events: [
          {
            action: 'promotion.requested',
            outcome: 'success',
            actorId: alice.userId,
            targetType: 'promotion',
            environmentIds: [api.environmentId, qa],
            changes: { after: { apiId: api.id, revision: 1, target: 'qa', action: 'create', title: 'T' } },
          },
        ],
      };
    },
  },
  {
    name: 'requestPromotion: refused (no DEFINITION:UPDATE)',
    run: async () => {
      // Erin reads Product Catalog as a USER member: she sees it, but may not change or promote it.
      const erin = await actorFor('erin@example.com');
      const api = await apiNamed('dev', 'Product Catalog');
      return {
        act: () => requestPromotion(erin, { apiId: api.id, target: 'qa' }),
        error: 'forbidden',
        events: [
          { action: 'promotion.requested', outcome: 'denied', actorId: erin.userId, targetId: api.id },
        ],
      };
    },
  },
  {
    name: 'requestPromotion: a duplicate pending request (refused by the index, no event)',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      return {
        act: () => requestPromotion(alice, { apiId: api.id, target: 'qa' }),
        error: 'conflict',
        events: [],
      };
    },
  },
  {
    name: 'requestPromotion: direct, applied at once',
    run: async () => {
      const api = await createTestApi({ owner: 'admin@example.com' });
      const admin = await actorFor('admin@example.com');
      // A direct promotion is its requester's own approval: QA's policy must count it.
      await setApprovalPolicy('qa', { approvalsRequired: 1, selfApprovalAllowed: true });
      return {
        act: () => requestPromotion(admin, { apiId: api.id, target: 'qa', mode: 'direct' }),
        events: [
          { action: 'promotion.requested', changes: { after: { mode: 'direct' } } },
          {
            action: 'promotion.approved',
            changes: { after: { policyVersion: expect.any(Number), approvals: 1, approvalsRequired: 1 } },
          },
          { action: 'api.created', targetType: 'api', environmentIds: [await environmentId('qa')] },
          {
            action: 'promotion.accepted',
            changes: { before: { status: 'pending' }, after: { status: 'accepted' } },
          },
        ],
      };
    },
  },
  {
    name: 'approvePromotion: created in the target, move archives the source',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const bob = await actorFor('bob@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa', type: 'move' });
      return {
        act: () => approvePromotion(bob, id, { comment: 'ok' }),
        events: [
          { action: 'promotion.approved', actorId: bob.userId, targetId: id, reason: 'ok' },
          { action: 'api.created', actorId: bob.userId, changes: { after: { revision: 1 } } },
          // The archive is the requester's act on the source, done when Bob approved.
          {
            action: 'api.archived',
            actorId: alice.userId,
            authMethod: 'delegated',
            targetId: api.id,
            environmentIds: [api.environmentId],
          },
          {
            action: 'promotion.accepted',
            targetId: id,
            reason: 'ok',
            changes: { after: { status: 'accepted' } },
          },
        ],
      };
    },
  },
  {
    name: 'approvePromotion: refused (self-approval)',
    run: async () => {
      await setApprovalPolicy('qa', { approvalsRequired: 1 });
      const api = await createTestApi({ owner: 'admin@example.com' });
      const admin = await actorFor('admin@example.com');
      const { id } = await requestPromotion(admin, { apiId: api.id, target: 'qa' });
      return {
        act: () => approvePromotion(admin, id),
        error: 'forbidden',
        events: [
          {
            action: 'promotion.approved',
            outcome: 'denied',
            targetId: id,
            reason: expect.stringContaining('your own'),
          },
        ],
      };
    },
  },
  {
    name: 'approvePromotion (async) and its job',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const bob = await actorFor('bob@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      return {
        act: async () => {
          await approvePromotion(bob, id, {}, { async: true });
          await applyQueuedPromotion(id);
        },
        events: [
          { action: 'promotion.approved', authMethod: 'password' },
          {
            action: 'promotion.accepted',
            authMethod: 'password',
            changes: { after: { status: 'applying' } },
          },
          { action: 'api.created', actorId: bob.userId, authMethod: 'job' },
          { action: 'promotion.applied', actorId: bob.userId, authMethod: 'job' },
        ],
      };
    },
  },
  {
    name: 'rejectPromotion: rejected',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const bob = await actorFor('bob@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      return {
        act: () => rejectPromotion(bob, id, { reason: 'no' }),
        events: [
          {
            action: 'promotion.rejected',
            actorId: bob.userId,
            targetId: id,
            reason: 'no',
            changes: { after: { status: 'rejected' } },
          },
        ],
      };
    },
  },
  {
    name: 'rejectPromotion: already decided (no event)',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const bob = await actorFor('bob@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      await rejectPromotion(bob, id, { reason: 'no' });
      return { act: () => rejectPromotion(bob, id, { reason: 'no' }), error: 'conflict', events: [] };
    },
  },
  {
    name: 'cancelPromotion: cancelled, and refused for someone else',
    run: async () => {
      const api = await createTestApi();
      const alice = await actorFor('alice@example.com');
      const bob = await actorFor('bob@example.com');
      const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
      return {
        act: async () => {
          await expect(cancelPromotion(bob, id)).rejects.toMatchObject({ code: 'forbidden' });
          await cancelPromotion(alice, id);
        },
        events: [
          { action: 'promotion.cancelled', outcome: 'denied', actorId: bob.userId },
          { action: 'promotion.cancelled', outcome: 'success', actorId: alice.userId },
        ],
      };
    },
  },
  // Administration: environments and installations ---------------------------------------------
  {
    name: 'createInstallation, renameInstallation, createEnvironment, reorderEnvironments, deleteEnvironment',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      return {
        act: async () => {
          await createInstallation(admin, { key: 'edge', name: 'Edge' });
          await renameInstallation(admin, { key: 'edge', name: 'Edge sites' });
          await createEnvironment(admin, { key: 'edge-a', name: 'EDGE-A', installation: 'edge' });
          await createEnvironment(admin, { key: 'edge-b', name: 'EDGE-B', installation: 'edge' });
          await reorderEnvironments(admin, { installation: 'edge', environments: ['edge-b', 'edge-a'] });
          await deleteEnvironment(admin, 'edge-a');
        },
        events: [
          {
            action: 'installation.created',
            targetType: 'installation',
            changes: { before: null, after: { key: 'edge', name: 'Edge' } },
          },
          {
            action: 'installation.updated',
            changes: { before: { name: 'Edge' }, after: { name: 'Edge sites' } },
          },
          {
            action: 'environment.created',
            targetType: 'environment',
            changes: {
              before: null,
              after: { key: 'edge-a', name: 'EDGE-A', installation: 'edge', after: null },
            },
          },
          {
            action: 'environment.created',
            changes: {
              before: null,
              after: { key: 'edge-b', name: 'EDGE-B', installation: 'edge', after: 'edge-a' },
            },
          },
          {
            action: 'installation.lifecycle_reordered',
            changes: {
              before: { environments: ['edge-a', 'edge-b'] },
              after: { environments: ['edge-b', 'edge-a'] },
            },
          },
          {
            action: 'environment.deleted',
            changes: {
              before: { key: 'edge-a', name: 'EDGE-A', installation: 'edge', roles: [], allowedSourceOf: [] },
              after: null,
            },
          },
        ],
      };
    },
  },
  {
    name: 'updateEnvironmentPolicy: settings and approval policy in one event each, before and after',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const qa = await environmentId('qa');
      return {
        act: () =>
          updateEnvironmentPolicy(admin, 'qa', {
            settings: { directPromotionAllowed: false },
            policy: { approvalsRequired: 2 },
          }),
        events: [
          {
            action: 'environment.updated',
            environmentIds: [qa],
            changes: { before: { directPromotionAllowed: true }, after: { directPromotionAllowed: false } },
          },
          {
            action: 'environment.policy_updated',
            environmentIds: [qa],
            changes: { before: { approvalsRequired: 1 }, after: { approvalsRequired: 2 } },
          },
        ],
      };
    },
  },
  {
    name: 'administration refused to a non-admin: 404 and one denied event per attempt',
    run: async () => {
      const carol = await actorFor('carol@example.com');
      const erin = await userId('erin@example.com');
      const attempts = [
        () => createUser(carol, { email: 'x@example.com', name: 'X' }),
        () => setUserDisabled(carol, erin, true),
        () => resetUserPassword(carol, erin),
        () => createGroup(carol, { environment: 'prod', name: 'Mine' }),
      ];
      return {
        act: async () => {
          for (const attempt of attempts)
            await expect(attempt()).rejects.toMatchObject({ code: 'not_found' });
        },
        events: ['user.created', 'user.disabled', 'user.password_reset', 'group.created'].map((action) => ({
          action,
          outcome: 'denied',
          actorId: carol.userId,
          reason: 'Not found.',
        })),
      };
    },
  },
  // Administration: users and groups ---------------------------------------------------------
  {
    name: 'createUser, setUserDisabled (both ways), resetUserPassword',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      return {
        act: async () => {
          const user = await createUser(admin, { email: 'audited@example.com', name: 'Audited User' });
          await setUserDisabled(admin, user.id, true);
          await setUserDisabled(admin, user.id, false);
          await resetUserPassword(admin, user.id);
        },
        events: [
          {
            action: 'user.created',
            actorId: admin.userId,
            targetType: 'user',
            changes: {
              before: null,
              after: {
                email: 'audited@example.com',
                name: 'Audited User',
                organizationRole: 'USER',
                signIn: 'password',
              },
            },
          },
          {
            action: 'user.disabled',
            changes: {
              before: { email: 'audited@example.com', disabled: false },
              after: { email: 'audited@example.com', disabled: true, endedSessions: 0 },
            },
          },
          {
            action: 'user.enabled',
            changes: {
              before: { email: 'audited@example.com', disabled: true },
              after: { email: 'audited@example.com', disabled: false },
            },
          },
          {
            action: 'user.password_reset',
            changes: { after: { email: 'audited@example.com', mustChangePassword: true, endedSessions: 0 } },
          },
        ],
      };
    },
  },
  {
    name: 'createGroup, updateGroup, addGroupMember, removeGroupMember, deleteGroup',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const demo = await environmentId('demo');
      const frank = await userId('frank@example.com');
      return {
        act: async () => {
          const group = (await createGroup(admin, { environment: 'demo', name: 'Auditors' }))!;
          await updateGroup(admin, group.id, { name: 'DEMO auditors', environmentRole: 'USER' });
          await addGroupMember(admin, group.id, { userId: frank, apiRole: 'REVIEWER' });
          await removeGroupMember(admin, group.id, frank);
          await deleteGroup(admin, group.id);
        },
        events: [
          {
            action: 'group.created',
            environmentIds: [demo],
            targetType: 'group',
            changes: {
              before: null,
              after: { name: 'Auditors', environment: 'demo', environmentRole: null },
            },
          },
          {
            action: 'group.updated',
            changes: {
              before: { name: 'Auditors', environment: 'demo', environmentRole: null },
              after: { name: 'DEMO auditors', environment: 'demo', environmentRole: 'USER' },
            },
          },
          {
            action: 'group.member_added',
            changes: { after: { group: 'DEMO auditors', member: 'frank@example.com', apiRole: 'REVIEWER' } },
          },
          {
            action: 'group.member_removed',
            changes: { before: { group: 'DEMO auditors', member: 'frank@example.com', apiRole: 'REVIEWER' } },
          },
          {
            action: 'group.deleted',
            changes: {
              before: { name: 'DEMO auditors', environment: 'demo', environmentRole: 'USER', members: 0 },
              after: null,
            },
          },
        ],
      };
    },
  },
  // Webhooks ----------------------------------------------------------------------------------
  {
    name: 'createWebhook, updateWebhook, rotateWebhookSecret, deleteWebhook',
    run: async () => {
      const admin = await actorFor('admin@example.com');
      const qa = await environmentId('qa');
      return {
        act: async () => {
          const { webhook } = await createWebhook(
            admin,
            { environment: 'qa' },
            {
              url: 'https://hooks.example.com/recorded',
              events: ['promotion.accepted'],
            },
          );
          await updateWebhook(admin, webhook.id, { events: ['promotion.accepted', 'promotion.failed'] });
          await rotateWebhookSecret(admin, webhook.id);
          await deleteWebhook(admin, webhook.id);
        },
        events: [
          { action: 'webhook.created', targetType: 'webhook', environmentIds: [qa] },
          {
            action: 'webhook.updated',
            changes: {
              before: { events: ['promotion.accepted'] },
              after: { events: ['promotion.accepted', 'promotion.failed'] },
            },
          },
          { action: 'webhook.secret_rotated', changes: null },
          { action: 'webhook.deleted' },
        ],
      };
    },
  },
  {
    name: 'createWebhook: an approver who is not the environment admin is refused',
    run: async () => {
      const bob = await actorFor('bob@example.com');
      return {
        act: () =>
          createWebhook(
            bob,
            { environment: 'qa' },
            { url: 'https://hooks.example.com/b', events: ['promotion.accepted'] },
          ),
        events: [{ action: 'webhook.created', outcome: 'denied', actorId: bob.userId }],
        error: 'forbidden',
      };
    },
  },
  {
    name: 'setEmailPreference',
    run: async () => {
      const dave = await actorFor('dave@example.com');
      return {
        act: () => setEmailPreference(dave, { emailNotifications: 'none' }),
        events: [
          {
            action: 'user.preferences_updated',
            actorId: dave.userId,
            targetId: dave.userId,
            changes: { before: { emailNotifications: 'all' }, after: { emailNotifications: 'none' } },
          },
        ],
      };
    },
  },
  // API tokens --------------------------------------------------------------------------------
  {
    name: 'createApiToken and revokeApiToken',
    run: async () => {
      const alice = await actorFor('alice@example.com');
      return {
        act: async () => {
          const issued = await createApiToken(alice, { name: `audit-${Date.now()}` });
          await revokeApiToken(alice, issued.apiToken.id);
        },
        events: [
          { action: 'token.created', actorId: alice.userId, targetType: 'token' },
          { action: 'token.revoked', actorId: alice.userId, targetType: 'token' },
        ],
      };
    },
  },
];

describe('every domain write records exactly its audit events', () => {
  it.each(cases)('$name', async ({ run }) => {
    const { act, events, error } = await run();
    const since = await lastAuditSeq();
    if (error) await expect(act()).rejects.toMatchObject({ code: error });
    else await act();
    const recorded = await auditEventsSince(since);
    expect(recorded).toHaveLength(events.length);
    events.forEach((expected, index) => {
      const event = recorded[index]!;
      expect(event).toMatchObject(expected);
      expect(Object.keys(auditActions)).toContain(event.action);
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    });
    // Never a secret in the trail.
    expect(JSON.stringify(recorded)).not.toMatch(/stageway-demo|hunter2|password_hash|scrypt/);
  });

  it('leaves the trail verifiable after all of them', async () => {
    expect(await verifyAuditTrail('operator')).toMatchObject({ isIntact: true, unsealedEvents: 0 });
  });

  it('makes no change when its event cannot be written', async () => {
    const alice = await actorFor('alice@example.com');
    const api = await apiNamed('dev', 'Notifications');
    const since = await lastAuditSeq();
    await getDb().execute(
      sql`alter table audit_events add constraint test_refuse_all check (false) not valid`,
    );
    try {
      await expect(
        updateApiDefinition(alice, {
          apiId: api.id,
          baseRevision: api.currentRevision,
          definition: { ...api.definition, version: '7.7.7' },
        }),
      ).rejects.toThrow();
    } finally {
      await getDb().execute(sql`alter table audit_events drop constraint test_refuse_all`);
    }
    const [after] = await getDb().select().from(apis).where(eq(apis.id, api.id));
    expect(after!.currentRevision).toBe(api.currentRevision);
    expect(await auditEventsSince(since)).toEqual([]);
  });
});
