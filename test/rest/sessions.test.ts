import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';

import * as environmentsRoute from '@/app/api/v1/environments/route';
import { getDb } from '@/db';
import { sessions, users } from '@/db/schema';
import {
  changeOwnPassword,
  endSession,
  listOwnSessions,
  signOut,
  signOutEverywhere,
} from '@/lib/auth/sessions';
import { setUserDisabled } from '@/lib/users/user-writes';
import { actorFor, auditEventsSince, lastAuditSeq, userIdOf } from '@/test/fixtures';

import { call, signedInDevice as device } from './harness';

/**
 * Issue 8 #2: a saved session cookie is refused once its session has ended, whatever ended it. REST
 * here; pages and server actions in e2e/auth/sessions.spec.ts. Each case signs a user in twice
 * (two devices), keeps the cookies, ends sessions, and replays them.
 */

const reads = async (cookie: string) =>
  (await call(environmentsRoute.GET, { path: '/environments', headers: { cookie } })).status;

describe('server-side sessions', () => {
  it('a cookie without a live session is refused (older cookies, forged ids)', async () => {
    const userId = await userIdOf('dave@example.com');
    for (const sid of [undefined, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const cookie = `authjs.session-token=${await encode({
        token: { sub: userId, authMethod: 'password', ...(sid ? { sid } : {}) },
        secret: process.env.AUTH_SECRET!,
        salt: 'authjs.session-token',
      })}`;
      expect(await reads(cookie)).toBe(401);
    }
    // Another user's session id in a cookie for dave: refused too.
    const alices = await device('alice@example.com');
    const mixed = `authjs.session-token=${await encode({
      token: { sub: userId, authMethod: 'password', sid: alices.sid },
      secret: process.env.AUTH_SECRET!,
      salt: 'authjs.session-token',
    })}`;
    expect(await reads(mixed)).toBe(401);
  });

  it('signing out ends that session only', async () => {
    const laptop = await device('bob@example.com');
    const phone = await device('bob@example.com');
    expect(await reads(laptop.cookie)).toBe(200);
    await signOut(laptop.actor);
    expect(await reads(laptop.cookie)).toBe(401);
    expect(await reads(phone.cookie)).toBe(200);
    const [row] = await getDb().select().from(sessions).where(eq(sessions.id, laptop.sid));
    expect(row).toMatchObject({ endedReason: 'signed out' });
  });

  it('a user sees their sessions and ends one; not someone else’s', async () => {
    const laptop = await device('carol@example.com');
    const phone = await device('carol@example.com');
    const listed = await listOwnSessions(laptop.actor);
    expect(listed.find((session) => session.id === laptop.sid)).toMatchObject({
      isCurrent: true,
      ip: '198.51.100.4',
    });
    expect(listed.find((session) => session.id === phone.sid)).toMatchObject({ isCurrent: false });
    await endSession(laptop.actor, phone.sid);
    expect(await reads(phone.cookie)).toBe(401);
    expect(await reads(laptop.cookie)).toBe(200);
    const erin = await device('erin@example.com');
    await expect(endSession(erin.actor, laptop.sid)).rejects.toMatchObject({ code: 'not_found' });
    expect(await reads(laptop.cookie)).toBe(200);
  });

  it('changing the password ends every other session; the current one stays', async () => {
    const laptop = await device('dave@example.com');
    const phone = await device('dave@example.com');
    await expect(
      changeOwnPassword(laptop.actor, { currentPassword: 'wrong', newPassword: 'a much longer passphrase' }),
    ).rejects.toMatchObject({ code: 'validation', fieldErrors: { currentPassword: [expect.any(String)] } });
    await expect(
      changeOwnPassword(laptop.actor, { currentPassword: 'stageway-demo', newPassword: 'short' }),
    ).rejects.toMatchObject({ fieldErrors: { newPassword: ['At least 12 characters'] } });
    await expect(
      changeOwnPassword(laptop.actor, {
        currentPassword: 'stageway-demo',
        newPassword: 'dave-is-my-password',
      }),
    ).rejects.toMatchObject({ fieldErrors: { newPassword: ['Must not contain your email'] } });
    const since = await lastAuditSeq();
    await expect(
      changeOwnPassword(laptop.actor, {
        currentPassword: 'stageway-demo',
        newPassword: 'correct horse battery',
      }),
    ).resolves.toEqual({ endedSessions: 1, wasRequired: false });
    expect(await reads(phone.cookie)).toBe(401);
    expect(await reads(laptop.cookie)).toBe(200);
    expect((await auditEventsSince(since)).map((event) => event.action)).toEqual(['auth.password_changed']);
  });

  const disableUser = (actor: Parameters<typeof setUserDisabled>[0], userId: string) =>
    setUserDisabled(actor, userId, true);

  it('disabling a user ends all their sessions; only organization admins may', async () => {
    const victim = await device('frank@example.com');
    const admin = await actorFor('admin@example.com');
    const bob = await actorFor('bob@example.com');
    await expect(disableUser(bob, victim.actor.userId)).rejects.toMatchObject({ code: 'not_found' });
    expect(await reads(victim.cookie)).toBe(200);
    await disableUser(admin, victim.actor.userId);
    expect(await reads(victim.cookie)).toBe(401);
    const [row] = await getDb().select().from(users).where(eq(users.id, victim.actor.userId));
    expect(row!.disabledAt).not.toBeNull();
    await expect(disableUser(admin, victim.actor.userId)).rejects.toMatchObject({ code: 'conflict' });
    await expect(disableUser(admin, admin.userId)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('sign out everywhere: an admin for anyone, a user for themselves (keeping this one if asked)', async () => {
    const first = await device('grace@example.com');
    const second = await device('grace@example.com');
    await signOutEverywhere(first.actor, first.actor.userId, { keepCurrent: true });
    expect(await reads(first.cookie)).toBe(200);
    expect(await reads(second.cookie)).toBe(401);
    await expect(signOutEverywhere(first.actor, await userIdOf('carol@example.com'))).rejects.toMatchObject({
      code: 'not_found',
    });
    const admin = await actorFor('admin@example.com');
    await expect(signOutEverywhere(admin, first.actor.userId)).resolves.toEqual({ ended: 1 });
    expect(await reads(first.cookie)).toBe(401);
    // An ended session cannot be brought back, even by hand.
    await expect(
      getDb().update(sessions).set({ endedAt: null, endedReason: null }).where(eq(sessions.id, first.sid)),
    ).rejects.toThrow();
  });
});
