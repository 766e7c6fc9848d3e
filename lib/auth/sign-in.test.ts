import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { loginAttempts, users } from '@/db/schema';
import { auditEventsSince, lastAuditSeq } from '@/test/fixtures';

import { signInRetryAfter, signInWithPassword } from './sign-in';

const from = (ip: string) => ({ ip, userAgent: 'vitest', requestId: null });

describe('signInWithPassword', () => {
  it('signs in with the demo password, case-insensitively on the email, and audits it', async () => {
    const since = await lastAuditSeq();
    const result = await signInWithPassword(
      { email: ' Alice@Example.com ', password: 'stageway-demo' },
      from('198.51.100.1'),
    );
    expect(result).toMatchObject({
      status: 'signed_in',
      user: { email: 'alice@example.com', name: 'Alice Publisher' },
    });
    const events = await auditEventsSince(since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.signed_in',
      outcome: 'success',
      sourceIp: '198.51.100.1',
      authMethod: 'password',
    });
  });

  it('answers a wrong password and an unknown email the same way, and audits both', async () => {
    const since = await lastAuditSeq();
    const wrong = await signInWithPassword(
      { email: 'alice@example.com', password: 'nope' },
      from('198.51.100.2'),
    );
    const unknown = await signInWithPassword(
      { email: 'nobody@example.com', password: 'nope' },
      from('198.51.100.2'),
    );
    expect(wrong).toEqual({ status: 'invalid' });
    expect(unknown).toEqual({ status: 'invalid' });
    const events = await auditEventsSince(since);
    expect(events.map((event) => [event.action, event.outcome, event.reason])).toEqual([
      ['auth.sign_in_failed', 'denied', 'wrong password'],
      ['auth.sign_in_failed', 'denied', 'unknown email'],
    ]);
    // Never the password, in any form.
    expect(JSON.stringify(events)).not.toContain('nope');
  });

  it('refuses a disabled user with the right password', async () => {
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.email, 'frank@example.com'));
    const result = await signInWithPassword(
      { email: 'frank@example.com', password: 'stageway-demo' },
      from('198.51.100.3'),
    );
    expect(result).toEqual({ status: 'invalid' });
  });

  it('refuses a client after five failures, even with the right password, and not other clients', async () => {
    const attacker = from('198.51.100.4');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(
        await signInWithPassword({ email: 'bob@example.com', password: `guess-${attempt}` }, attacker),
      ).toEqual({
        status: 'invalid',
      });
    }
    const refused = await signInWithPassword(
      { email: 'bob@example.com', password: 'stageway-demo' },
      attacker,
    );
    expect(refused).toMatchObject({ status: 'rate_limited' });
    expect(refused.status === 'rate_limited' && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(await signInRetryAfter(attacker)).toBeGreaterThan(0);

    // Another address is not refused for the attacker's sake; bob's account only waits a moment.
    expect(await signInRetryAfter(from('198.51.100.5'))).toBe(0);
    const elsewhere = await signInWithPassword(
      { email: 'bob@example.com', password: 'stageway-demo' },
      from('198.51.100.5'),
    );
    expect(elsewhere).toMatchObject({ status: 'rate_limited', retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(
      await signInWithPassword({ email: 'bob@example.com', password: 'stageway-demo' }, from('198.51.100.5')),
    ).toMatchObject({
      status: 'signed_in',
    });
  });

  it('an account guessed at from ever new addresses waits a growing delay, and the refusals are audited in bulk', async () => {
    const since = await lastAuditSeq();
    // Five wrong passwords, each from a new address (as a rotated X-Forwarded-For would look).
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(
        await signInWithPassword(
          { email: 'carol@example.com', password: `guess-${attempt}` },
          from(`203.0.113.${attempt}`),
        ),
      ).toEqual({ status: 'invalid' });
    }
    // From the next new address, even the right password waits.
    for (let attempt = 5; attempt < 9; attempt++) {
      expect(
        await signInWithPassword(
          { email: 'carol@example.com', password: 'stageway-demo' },
          from(`203.0.113.${attempt}`),
        ),
      ).toMatchObject({ status: 'rate_limited', retryAfterSeconds: 1 });
    }
    const events = await auditEventsSince(since);
    expect(events.filter((event) => event.action === 'auth.sign_in_failed')).toHaveLength(5);
    // Four refusals in one minute: one event, and the rest counted for the next one.
    const throttled = events.filter((event) => event.action === 'auth.sign_in_throttled');
    expect(throttled).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        reason: expect.stringContaining('1 sign-in attempt refused'),
      }),
    ]);
    const [row] = await getDb()
      .select()
      .from(loginAttempts)
      .where(eq(loginAttempts.key, 'account:carol@example.com'));
    expect(row).toMatchObject({ failures: 5, refusedUnaudited: 3 });

    // Each further failure doubles the wait, up to a short cap: never a lockout.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await signInWithPassword({ email: 'carol@example.com', password: 'wrong-again' }, from('203.0.113.20'));
    expect(
      await signInWithPassword(
        { email: 'carol@example.com', password: 'stageway-demo' },
        from('203.0.113.21'),
      ),
    ).toMatchObject({ status: 'rate_limited', retryAfterSeconds: 2 });
  });
});
