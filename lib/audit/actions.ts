/**
 * The closed list of audited acts, as `resource.verb`. A renderer maps every one of them; a new act
 * is added here first.
 */
export const auditActions = {
  'auth.signed_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.sign_in_throttled': 'Sign-ins refused while throttled',
  'auth.signed_out': 'Signed out',
  'auth.session_ended': 'Session ended',
  'auth.sessions_ended': 'Signed out everywhere',
  'auth.password_changed': 'Password changed',
  'user.disabled': 'User disabled',
  'api.created': 'API created',
  'api.updated': 'API updated',
  'api.archived': 'API archived',
  'promotion.requested': 'Promotion requested',
  'promotion.approved': 'Promotion approved',
  'promotion.accepted': 'Promotion accepted',
  'promotion.applied': 'Promotion applied',
  'promotion.rejected': 'Promotion rejected',
  'promotion.cancelled': 'Promotion cancelled',
  'promotion.failed': 'Promotion failed',
  'promotion.expired': 'Promotion expired',
  'promotion.superseded': 'Promotion request updated',
  'role.granted': 'Role granted',
  'role.revoked': 'Role revoked',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'admin.viewed': 'Administration page opened',
  'environment.created': 'Environment created',
  'environment.updated': 'Environment settings changed',
  'environment.deleted': 'Environment deleted',
  'installation.created': 'Installation created',
  'installation.updated': 'Installation renamed',
  'installation.lifecycle_reordered': 'Lifecycle reordered',
  'environment.policy_updated': 'Approval policy changed',
} as const;

export type AuditAction = keyof typeof auditActions;
