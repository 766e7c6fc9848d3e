/**
 * Roles and what they allow, modelled on Gravitee's: one table, in code, per scope. A permission is
 * `RESOURCE:ACTION`; the scope it applies to is the scope the role is bound at.
 */

export const organizationPermissions = ['ORGANIZATION:ADMIN'] as const;
export const environmentPermissions = [
  'API:READ',
  'API:CREATE',
  'API:UPDATE',
  'API:DELETE',
  'AUDIT:READ',
  'ENVIRONMENT:UPDATE',
] as const;
export const apiPermissions = [
  'DEFINITION:READ',
  'DEFINITION:UPDATE',
  // Archive the API (take it out of service): what a move does to its source.
  'DEFINITION:DELETE',
  'MEMBER:READ',
  'MEMBER:UPDATE',
] as const;

export type OrganizationPermission = (typeof organizationPermissions)[number];
export type EnvironmentPermission = (typeof environmentPermissions)[number];
export type ApiPermission = (typeof apiPermissions)[number];

export const rolePermissions = {
  organization: {
    ADMIN: ['ORGANIZATION:ADMIN'],
    USER: [],
  },
  environment: {
    ADMIN: ['API:READ', 'API:CREATE', 'API:UPDATE', 'API:DELETE', 'AUDIT:READ', 'ENVIRONMENT:UPDATE'],
    // Decides promotions into the environment: accepting one creates or updates an API there.
    APPROVER: ['API:READ', 'API:CREATE', 'API:UPDATE', 'AUDIT:READ'],
    // Keeps the environment's existing APIs up to date (accepts updates) but adds none.
    MAINTAINER: ['API:READ', 'API:UPDATE'],
    // Works on the APIs they are members of; sees the others.
    PUBLISHER: ['API:READ'],
    // Sees the environment, and only the APIs they are members of.
    USER: [],
  },
  api: {
    PRIMARY_OWNER: [
      'DEFINITION:READ',
      'DEFINITION:UPDATE',
      'DEFINITION:DELETE',
      'MEMBER:READ',
      'MEMBER:UPDATE',
    ],
    OWNER: ['DEFINITION:READ', 'DEFINITION:UPDATE', 'DEFINITION:DELETE', 'MEMBER:READ', 'MEMBER:UPDATE'],
    REVIEWER: ['DEFINITION:READ', 'MEMBER:READ'],
    USER: ['DEFINITION:READ'],
  },
} as const satisfies {
  organization: Record<string, readonly OrganizationPermission[]>;
  environment: Record<string, readonly EnvironmentPermission[]>;
  api: Record<string, readonly ApiPermission[]>;
};

export type OrganizationRole = keyof typeof rolePermissions.organization;
export type EnvironmentRole = keyof typeof rolePermissions.environment;
export type ApiRole = keyof typeof rolePermissions.api;

export const organizationRoles = Object.keys(rolePermissions.organization) as OrganizationRole[];
export const environmentRoles = Object.keys(rolePermissions.environment) as EnvironmentRole[];
export const apiRoles = Object.keys(rolePermissions.api) as ApiRole[];

/**
 * Environment permissions that carry down to every API of the environment: whoever may update the
 * environment's APIs may update each one's definition.
 */
const environmentGrantsOnApis: Record<EnvironmentPermission, readonly ApiPermission[]> = {
  'API:READ': ['DEFINITION:READ', 'MEMBER:READ'],
  'API:UPDATE': ['DEFINITION:READ', 'DEFINITION:UPDATE', 'MEMBER:READ'],
  'API:CREATE': [],
  'API:DELETE': ['DEFINITION:DELETE'],
  'AUDIT:READ': [],
  'ENVIRONMENT:UPDATE': [],
};

export function isRole<S extends keyof typeof rolePermissions>(
  scope: S,
  role: string,
): role is keyof (typeof rolePermissions)[S] & string {
  return Object.hasOwn(rolePermissions[scope], role);
}

/** Of two environment roles, the one that allows more (each role allows all that the next one does). */
export function strongerEnvironmentRole(
  held: EnvironmentRole | undefined,
  role: EnvironmentRole,
): EnvironmentRole {
  if (!held) return role;
  return environmentRoles.indexOf(role) < environmentRoles.indexOf(held) ? role : held;
}

export function environmentRolePermissions(role: string): readonly EnvironmentPermission[] {
  return isRole('environment', role) ? rolePermissions.environment[role] : [];
}

export function apiRolePermissions(role: string): readonly ApiPermission[] {
  return isRole('api', role) ? rolePermissions.api[role] : [];
}

export function apiPermissionsFromEnvironmentRole(role: string): readonly ApiPermission[] {
  return [...new Set(environmentRolePermissions(role).flatMap((p) => environmentGrantsOnApis[p]))];
}
