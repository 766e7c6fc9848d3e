import { describe, expect, it } from 'vitest';

import { can, canSeeEnvironment, type Actor } from './actor';
import {
  environmentRolePermissions,
  environmentRoles,
  strongerEnvironmentRole,
  type ApiRole,
  type EnvironmentRole,
} from './permissions';

const env = 'e0000000-0000-4000-8000-000000000001';
const otherEnv = 'e0000000-0000-4000-8000-000000000002';
const api = { apiId: 'a0000000-0000-4000-8000-000000000001', environmentId: env };
const otherApi = { apiId: 'a0000000-0000-4000-8000-000000000002', environmentId: env };

function actor(roles: { org?: boolean; env?: EnvironmentRole; api?: ApiRole } = {}): Actor {
  return {
    userId: 'u',
    email: 'u@example.com',
    name: 'U',
    authMethod: 'password',
    isOrgAdmin: roles.org ?? false,
    environmentRoles: new Map(roles.env ? [[env, roles.env]] : []),
    apiRoles: new Map(roles.api ? [[api.apiId, { environmentId: env, roles: [roles.api] }]] : []),
    context: { ip: null, userAgent: null, requestId: null },
  };
}

const environmentPermissions = [
  'API:READ',
  'API:CREATE',
  'API:UPDATE',
  'API:DELETE',
  'AUDIT:READ',
  'ENVIRONMENT:UPDATE',
] as const;
const apiPermissions = ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ', 'MEMBER:UPDATE'] as const;

// Written out by hand on purpose: this is the contract, not a copy of the table it tests.
const expectedEnvironment: Record<EnvironmentRole, string[]> = {
  ADMIN: ['API:READ', 'API:CREATE', 'API:UPDATE', 'API:DELETE', 'AUDIT:READ', 'ENVIRONMENT:UPDATE'],
  APPROVER: ['API:READ', 'API:CREATE', 'API:UPDATE', 'AUDIT:READ'],
  MAINTAINER: ['API:READ', 'API:UPDATE'],
  PUBLISHER: ['API:READ'],
  USER: [],
};
const expectedOnEveryApiOfEnvironment: Record<EnvironmentRole, string[]> = {
  ADMIN: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ'],
  APPROVER: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ'],
  MAINTAINER: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ'],
  PUBLISHER: ['DEFINITION:READ', 'MEMBER:READ'],
  USER: [],
};
const expectedApi: Record<ApiRole, string[]> = {
  PRIMARY_OWNER: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ', 'MEMBER:UPDATE'],
  OWNER: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ', 'MEMBER:UPDATE'],
  REVIEWER: ['DEFINITION:READ', 'MEMBER:READ'],
  USER: ['DEFINITION:READ'],
};

describe('permission table', () => {
  describe.each(Object.entries(expectedEnvironment) as [EnvironmentRole, string[]][])(
    'environment role %s',
    (role, allowed) => {
      it.each(environmentPermissions)('%s', (permission) => {
        expect(can(actor({ env: role }), permission, { environmentId: env })).toBe(
          allowed.includes(permission),
        );
        expect(can(actor({ env: role }), permission, { environmentId: otherEnv })).toBe(false);
      });
      it.each(apiPermissions)('carries %s to the environment’s APIs as expected', (permission) => {
        const expected = expectedOnEveryApiOfEnvironment[role].includes(permission);
        expect(can(actor({ env: role }), permission, api)).toBe(expected);
        expect(can(actor({ env: role }), permission, { ...api, environmentId: otherEnv })).toBe(false);
      });
      it('makes the environment visible', () => {
        expect(canSeeEnvironment(actor({ env: role }), env)).toBe(true);
        expect(canSeeEnvironment(actor({ env: role }), otherEnv)).toBe(false);
      });
    },
  );

  describe.each(Object.entries(expectedApi) as [ApiRole, string[]][])('API role %s', (role, allowed) => {
    it.each(apiPermissions)('%s', (permission) => {
      expect(can(actor({ api: role }), permission, api)).toBe(allowed.includes(permission));
      // An API role says nothing about the other APIs of the environment, nor about the environment.
      expect(can(actor({ api: role }), permission, otherApi)).toBe(false);
    });
    it('gives no environment permission but makes the environment visible', () => {
      for (const permission of environmentPermissions) {
        expect(can(actor({ api: role }), permission, { environmentId: env })).toBe(false);
      }
      expect(canSeeEnvironment(actor({ api: role }), env)).toBe(true);
      expect(canSeeEnvironment(actor({ api: role }), otherEnv)).toBe(false);
    });
  });

  it('organization admins may do everything everywhere', () => {
    const admin = actor({ org: true });
    expect(can(admin, 'ORGANIZATION:ADMIN')).toBe(true);
    for (const permission of environmentPermissions)
      expect(can(admin, permission, { environmentId: otherEnv })).toBe(true);
    for (const permission of apiPermissions) expect(can(admin, permission, otherApi)).toBe(true);
    expect(canSeeEnvironment(admin, otherEnv)).toBe(true);
  });

  it('no role, no permission', () => {
    const nobody = actor();
    expect(can(nobody, 'ORGANIZATION:ADMIN')).toBe(false);
    for (const permission of environmentPermissions)
      expect(can(nobody, permission, { environmentId: env })).toBe(false);
    for (const permission of apiPermissions) expect(can(nobody, permission, api)).toBe(false);
    expect(canSeeEnvironment(nobody, env)).toBe(false);
  });

  it('an API role bound in another environment does not apply', () => {
    const misbound = actor({ api: 'OWNER' });
    expect(can(misbound, 'DEFINITION:UPDATE', { ...api, environmentId: otherEnv })).toBe(false);
  });
});

describe('environment roles are ordered', () => {
  it('each role allows everything the next one does, so "the strongest" of two is well defined', () => {
    for (let index = 0; index + 1 < environmentRoles.length; index++) {
      const stronger = environmentRoles[index]!;
      const weaker = environmentRoles[index + 1]!;
      expect(environmentRolePermissions(stronger)).toEqual(
        expect.arrayContaining([...environmentRolePermissions(weaker)]),
      );
      expect(strongerEnvironmentRole(weaker, stronger)).toBe(stronger);
      expect(strongerEnvironmentRole(stronger, weaker)).toBe(stronger);
    }
  });
});
