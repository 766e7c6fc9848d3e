import { createHash } from 'node:crypto';

import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { apiTokens, roleBindings, users } from '@/db/schema';
import { auditActorOf, systemActor } from '@/lib/audit/record';
import { can, loadActor, noRequestContext } from '@/lib/auth/actor';
import { actorFor, auditEventsSince, environmentId, lastAuditSeq } from '@/test/fixtures';

import { authenticateToken } from './authenticate-token';
import { createApiToken } from './create-api-token';
import { issueApiToken } from './issue-api-token';
import { listApiTokens } from './queries';
import { revokeApiToken } from './revoke-api-token';

const context = { ip: '198.51.100.4', userAgent: 'ci-runner', requestId: 'req-1' };
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000);

let counter = 0;
const uniqueName = (base = 'ci') => `${base}-${process.pid}-${++counter}`;

async function tokenRow(id: string) {
  const [row] = await getDb().select().from(apiTokens).where(eq(apiTokens.id, id));
  return row!;
}

/** A user of this test alone (optionally with an environment role), so changing it disturbs no other test. */
async function freshUser(role?: { environment: string; role: string }) {
  const n = ++counter;
  const [user] = await getDb()
    .insert(users)
    .values({ email: `token-user-${process.pid}-${n}@example.com`, name: `Token User ${n}` })
    .returning();
  if (role) {
    await getDb()
      .insert(roleBindings)
      .values({
        userId: user!.id,
        scope: 'environment',
        environmentId: await environmentId(role.environment),
        role: role.role,
      });
  }
  return user!;
}

async function validationErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'validation' });
  return (error as { fieldErrors: Record<string, string[]> }).fieldErrors;
}

describe('createApiToken', () => {
  it('returns stw_ and 32 random bytes once, and stores only the digest and a display prefix', async () => {
    const alice = await actorFor('alice@example.com');
    const name = uniqueName();

    const { token, apiToken } = await createApiToken(alice, { name });

    expect(token).toMatch(/^stw_[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    const other = await createApiToken(alice, { name: uniqueName() });
    expect(other.token).not.toBe(token);

    const row = await tokenRow(apiToken.id);
    expect(row).toMatchObject({
      userId: alice.userId,
      name,
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.prefix).toBe(token.slice(0, 12));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(token);
    // Beyond the display prefix, not one character of the secret is at rest.
    expect(stored).not.toContain(token.slice(12, 20));
  });

  it('audits token.created without any token material', async () => {
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();
    const expiresAt = daysFromNow(30);

    const { token, apiToken } = await createApiToken(alice, { name: 'deploy pipeline', expiresAt });

    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'token.created',
      outcome: 'success',
      actorType: 'user',
      actorId: alice.userId,
      actorName: 'Alice Publisher',
      targetType: 'token',
      targetId: apiToken.id,
      sourceIp: '203.0.113.7',
    });
    expect(events[0]!.changes).toEqual({
      after: {
        name: 'deploy pipeline',
        owner: { id: alice.userId, email: 'alice@example.com' },
        expiresAt: expiresAt.toISOString(),
      },
    });
    const recorded = JSON.stringify(events[0]);
    expect(recorded).not.toContain(token);
    expect(recorded).not.toContain(apiToken.prefix);
    expect(recorded).not.toContain(hashOf(token));
  });

  it('refuses a name already used by an active token of the same user, and frees it on revocation', async () => {
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const name = uniqueName('shared');
    const first = await createApiToken(alice, { name });
    const since = await lastAuditSeq();

    const errors = await validationErrorOf(createApiToken(alice, { name: `  ${name} ` }));
    expect(errors.name).toEqual([`An active token named "${name}" already exists`]);
    expect(await auditEventsSince(since)).toEqual([]);
    const count = await getDb()
      .select({ n: sql<number>`count(*)::int` })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, alice.userId), eq(apiTokens.name, name)));
    expect(count[0]!.n).toBe(1);

    // Names are per user, and a revoked token's name may be reused.
    await expect(createApiToken(bob, { name })).resolves.toMatchObject({ apiToken: { name } });
    await revokeApiToken(alice, first.apiToken.id);
    await expect(createApiToken(alice, { name })).resolves.toMatchObject({ apiToken: { name } });
  });

  it('refuses an empty or overlong name with a field error', async () => {
    const alice = await actorFor('alice@example.com');
    expect((await validationErrorOf(createApiToken(alice, { name: '   ' }))).name).toEqual(['Required']);
    expect((await validationErrorOf(createApiToken(alice, { name: 'x'.repeat(101) }))).name).toEqual([
      'At most 100 characters',
    ]);
    await expect(createApiToken(alice, { name: 'x'.repeat(100) })).resolves.toMatchObject({
      apiToken: { name: 'x'.repeat(100) },
    });
  });

  it('refuses an expiry in the past, beyond a year, or not a date', async () => {
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();
    expect(
      (await validationErrorOf(createApiToken(alice, { name: uniqueName(), expiresAt: daysFromNow(-1) })))
        .expiresAt,
    ).toEqual(['The expiry must be in the future']);
    expect(
      (await validationErrorOf(createApiToken(alice, { name: uniqueName(), expiresAt: daysFromNow(367) })))
        .expiresAt,
    ).toEqual(['The expiry can be at most one year from now']);
    expect(
      (await validationErrorOf(createApiToken(alice, { name: uniqueName(), expiresAt: 'next tuesday' })))
        .expiresAt,
    ).toEqual(['Not a valid date']);
    expect(await auditEventsSince(since)).toEqual([]);

    // A date-only value, as the console's date field sends it, is midnight UTC of that day.
    const day = daysFromNow(365).toISOString().slice(0, 10);
    const { apiToken } = await createApiToken(alice, { name: uniqueName(), expiresAt: day });
    expect(apiToken.expiresAt?.toISOString()).toBe(`${day}T00:00:00.000Z`);
  });

  it('refuses a token-authenticated actor, so a leaked token cannot mint successors', async () => {
    const alice = await actorFor('alice@example.com');
    const { token } = await createApiToken(alice, { name: uniqueName() });
    const viaToken = (await authenticateToken(`Bearer ${token}`, context))!;
    const since = await lastAuditSeq();

    await expect(createApiToken(viaToken, { name: uniqueName() })).rejects.toMatchObject({
      code: 'forbidden',
    });

    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'token.created', outcome: 'denied', actorType: 'token' });
  });
});

describe('issueApiToken for the token:create script', () => {
  it('issues a token for a user by email, audited as the system', async () => {
    const alice = await actorFor('alice@example.com');
    const since = await lastAuditSeq();
    const script = { ...systemActor, name: 'Stageway (token:create)' };

    const { token, apiToken } = await issueApiToken(
      script,
      { email: 'Alice@Example.com' },
      { name: uniqueName() },
    );

    expect(apiToken.userId).toBe(alice.userId);
    const viaToken = await authenticateToken(token, context);
    expect(viaToken?.userId).toBe(alice.userId);
    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'token.created',
      actorType: 'system',
      actorId: null,
      actorName: 'Stageway (token:create)',
      targetId: apiToken.id,
      changes: { after: { owner: { id: alice.userId, email: 'alice@example.com' } } },
    });
    expect(JSON.stringify(events[0])).not.toContain(token);
  });

  it('refuses an unknown or disabled user', async () => {
    await expect(
      issueApiToken(systemActor, { email: 'nobody@example.com' }, { name: 'ci' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const user = await freshUser();
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    await expect(issueApiToken(systemActor, { email: user.email }, { name: 'ci' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

function hashOf(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

describe('authenticateToken', () => {
  it('accepts Bearer and the bare token, and names the token on the actor', async () => {
    const alice = await actorFor('alice@example.com');
    const name = uniqueName('ci-deploy');
    const { token, apiToken } = await createApiToken(alice, { name });

    for (const header of [`Bearer ${token}`, `bearer  ${token}`, token, ` ${token} `]) {
      const actor = await authenticateToken(header, context);
      expect(actor).toMatchObject({
        userId: alice.userId,
        email: 'alice@example.com',
        authMethod: 'token',
        context,
        token: { id: apiToken.id, name },
      });
    }
  });

  it('refuses missing, malformed and unknown tokens', async () => {
    const alice = await actorFor('alice@example.com');
    const { token } = await createApiToken(alice, { name: uniqueName() });
    const unknown = `stw_${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const header of [
      null,
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Basic ${token}`,
      `Bearer ${token} extra`,
      `Token ${token}`,
      `${token}x`,
      token.slice(0, -1),
      token.replace('stw_', 'xyz_'),
      hashOf(token),
      unknown,
      `Bearer ${unknown}`,
    ]) {
      expect(await authenticateToken(header, context), String(header)).toBeNull();
    }
  });

  it('refuses a revoked token at once, and an expired one', async () => {
    const alice = await actorFor('alice@example.com');
    const revoked = await createApiToken(alice, { name: uniqueName() });
    expect(await authenticateToken(revoked.token, context)).not.toBeNull();
    await revokeApiToken(alice, revoked.apiToken.id);
    expect(await authenticateToken(revoked.token, context)).toBeNull();

    const expiring = await createApiToken(alice, { name: uniqueName(), expiresAt: daysFromNow(1) });
    expect(await authenticateToken(expiring.token, context)).not.toBeNull();
    await getDb()
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expiring.apiToken.id));
    expect(await authenticateToken(`Bearer ${expiring.token}`, context)).toBeNull();
  });

  it('refuses the token of a disabled user', async () => {
    const user = await freshUser();
    const { token } = await issueApiToken(systemActor, { userId: user.id }, { name: 'ci' });
    expect(await authenticateToken(token, context)).not.toBeNull();
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await authenticateToken(token, context)).toBeNull();
  });

  it("acts with its user's permissions at the time of the request", async () => {
    const user = await freshUser({ environment: 'qa', role: 'APPROVER' });
    const qa = await environmentId('qa');
    const { token } = await issueApiToken(systemActor, { userId: user.id }, { name: 'ci' });

    const before = (await authenticateToken(token, context))!;
    expect(before.environmentRoles.get(qa)).toBe('APPROVER');
    expect(can(before, 'API:CREATE', { environmentId: qa })).toBe(true);

    await getDb().delete(roleBindings).where(eq(roleBindings.userId, user.id));

    const after = (await authenticateToken(token, context))!;
    expect(after.environmentRoles.has(qa)).toBe(false);
    expect(can(after, 'API:CREATE', { environmentId: qa })).toBe(false);
  });

  it('updates last_used_at at most once a minute', async () => {
    const alice = await actorFor('alice@example.com');
    const { token, apiToken } = await createApiToken(alice, { name: uniqueName() });
    expect((await tokenRow(apiToken.id)).lastUsedAt).toBeNull();

    await authenticateToken(token, context);
    const first = (await tokenRow(apiToken.id)).lastUsedAt;
    expect(first).toBeInstanceOf(Date);

    await authenticateToken(token, context);
    expect((await tokenRow(apiToken.id)).lastUsedAt).toEqual(first);

    const longAgo = new Date(Date.now() - 2 * 60_000);
    await getDb().update(apiTokens).set({ lastUsedAt: longAgo }).where(eq(apiTokens.id, apiToken.id));
    await authenticateToken(token, context);
    expect((await tokenRow(apiToken.id)).lastUsedAt!.getTime()).toBeGreaterThan(longAgo.getTime());

    // A refused token is not "used".
    await revokeApiToken(alice, apiToken.id);
    await getDb().update(apiTokens).set({ lastUsedAt: longAgo }).where(eq(apiTokens.id, apiToken.id));
    await authenticateToken(token, context);
    expect((await tokenRow(apiToken.id)).lastUsedAt).toEqual(longAgo);
  });

  it('attributes the acts of a token to its user, naming the token', async () => {
    const alice = await actorFor('alice@example.com');
    const { token, apiToken } = await createApiToken(alice, { name: 'ci-deploy' });
    const viaToken = (await authenticateToken(`Bearer ${token}`, context))!;
    expect(auditActorOf(viaToken)).toMatchObject({
      type: 'token',
      id: alice.userId,
      name: 'Alice Publisher (token "ci-deploy")',
      authMethod: 'token',
    });
    const since = await lastAuditSeq();

    // A token may revoke itself (a leaked token's finder can only end it).
    await revokeApiToken(viaToken, apiToken.id);

    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'token.revoked',
      actorType: 'token',
      actorId: alice.userId,
      actorName: 'Alice Publisher (token "ci-deploy")',
      authMethod: 'token',
      sourceIp: '198.51.100.4',
      requestId: 'req-1',
    });
  });
});

describe('revokeApiToken', () => {
  it('lets the owner revoke, sets revoked_at and audits token.revoked', async () => {
    const alice = await actorFor('alice@example.com');
    const name = uniqueName();
    const { apiToken } = await createApiToken(alice, { name });
    const since = await lastAuditSeq();

    const result = await revokeApiToken(alice, apiToken.id);

    const row = await tokenRow(apiToken.id);
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(result).toEqual({ id: apiToken.id, name, revokedAt: row.revokedAt });
    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'token.revoked',
      outcome: 'success',
      actorType: 'user',
      actorId: alice.userId,
      targetType: 'token',
      targetId: apiToken.id,
      changes: { before: { name, ownerId: alice.userId, revokedAt: null } },
    });
  });

  it('answers not_found to another user, changes nothing, and records the attempt', async () => {
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const { apiToken } = await createApiToken(alice, { name: uniqueName() });
    const since = await lastAuditSeq();

    await expect(revokeApiToken(bob, apiToken.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(revokeApiToken(bob, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });

    expect((await tokenRow(apiToken.id)).revokedAt).toBeNull();
    expect(
      (await auditEventsSince(since)).map((event) => [event.action, event.outcome, event.actorId]),
    ).toEqual([['token.revoked', 'denied', bob.userId]]);
  });

  it('lets an organization admin revoke anyone’s token', async () => {
    const alice = await actorFor('alice@example.com');
    const admin = await actorFor('admin@example.com');
    const { apiToken } = await createApiToken(alice, { name: uniqueName() });
    await revokeApiToken(admin, apiToken.id);
    expect((await tokenRow(apiToken.id)).revokedAt).toBeInstanceOf(Date);
  });

  it('refuses to revoke twice', async () => {
    const alice = await actorFor('alice@example.com');
    const { apiToken } = await createApiToken(alice, { name: uniqueName() });
    const first = await revokeApiToken(alice, apiToken.id);
    const since = await lastAuditSeq();

    await expect(revokeApiToken(alice, apiToken.id)).rejects.toMatchObject({ code: 'conflict' });

    expect((await tokenRow(apiToken.id)).revokedAt).toEqual(first.revokedAt);
    expect(await auditEventsSince(since)).toEqual([]);
  });
});

describe('listApiTokens', () => {
  it("lists the actor's own tokens, newest first, with their status and never the digest", async () => {
    const user = await freshUser();
    const actor = (await loadActor(getDb(), user.id, 'password'))!;
    const active = await createApiToken(actor, { name: 'active' });
    const expired = await createApiToken(actor, { name: 'expired', expiresAt: daysFromNow(2) });
    const revoked = await createApiToken(actor, { name: 'revoked' });
    await revokeApiToken(actor, revoked.apiToken.id);
    await getDb()
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expired.apiToken.id));
    await authenticateToken(active.token, noRequestContext);

    const tokens = await listApiTokens(actor);

    expect(tokens.map(({ name, status }) => [name, status])).toEqual([
      ['revoked', 'revoked'],
      ['expired', 'expired'],
      ['active', 'active'],
    ]);
    expect(tokens[2]).toMatchObject({ prefix: active.token.slice(0, 12), lastUsedAt: expect.any(Date) });
    expect(Object.keys(tokens[0]!)).not.toContain('tokenHash');
    expect(JSON.stringify(tokens)).not.toContain(hashOf(active.token));

    const bobs = await listApiTokens(await actorFor('bob@example.com'));
    expect(bobs.map((token) => token.id)).not.toContain(active.apiToken.id);
  });
});
