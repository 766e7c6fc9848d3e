import type { AddressInfo } from 'node:net';

import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getDb } from '@/db';
import { emailDeliveries, users } from '@/db/schema';
import { env } from '@/lib/env';
import { stopQueue } from '@/lib/jobs/queue';
import { startOutboxWorkers, stopOutboxWorkers } from '@/lib/outbox/workers';
import { approvePromotion } from '@/lib/promotions/approve-promotion';
import { rejectPromotion } from '@/lib/promotions/reject-promotion';
import { requestPromotion } from '@/lib/promotions/request-promotion';
import { setEmailPreference } from '@/lib/users/email-preference';
import { actorFor, createTestApi, refuseApiCreation } from '@/test/fixtures';

/**
 * Promotion email as the workers send it, to a real SMTP server on loopback (smtp-server): the
 * messages, their recipients, subjects and links, and none for a change that rolled back.
 */

type Mail = { to: string[]; subject: string; text: string };
const inbox: Mail[] = [];
let refuseNext = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    if (refuseNext > 0) {
      refuseNext--;
      stream.resume();
      stream.on('end', () =>
        callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 })),
      );
      return;
    }
    simpleParser(stream).then(
      (parsed) => {
        inbox.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
        });
        callback();
      },
      (error: Error) => callback(error),
    );
  },
});

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, probe: () => boolean | Promise<boolean>, seconds = 30) {
  for (let waited = 0; waited < seconds * 10; waited++) {
    if (await probe()) return;
    await settle(100);
  }
  throw new Error(`waited ${seconds} s: ${what}`);
}

const mailsTo = (email: string) => inbox.filter((mail) => mail.to.includes(email));

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  env.SMTP_FROM = 'Stageway <stageway@example.com>';
  env.STAGEWAY_PUBLIC_URL = 'https://stageway.example.com';
  env.STAGEWAY_EMAIL_RETRY_SECONDS = 1;
  await startOutboxWorkers();
});

afterAll(async () => {
  stopOutboxWorkers();
  await stopQueue();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('promotion email', () => {
  it('the approvers hear of the request; the requester of each approval and of the outcome, with the reason', async () => {
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const { id } = await requestPromotion(alice, { apiId: api.id, target: 'qa', title: 'Release 7' });

    await until('the approver’s email', () => mailsTo('bob@example.com').length > 0);
    const [task] = mailsTo('bob@example.com');
    expect(task!.subject).toBe(`Promotion waiting for you: ${api.name} DEV → QA`);
    expect(task!.text).toContain('Alice Publisher asks to promote');
    expect(task!.text).toContain('Title: Release 7');
    expect(task!.text).toContain('creates the API there');
    expect(task!.text).toContain(`https://stageway.example.com/promotions/${id}`);
    // Only those who may approve: not the requester, not a publisher in QA.
    expect(inbox.flatMap((mail) => mail.to).filter((to) => to !== 'bob@example.com')).toEqual([]);

    await rejectPromotion(await actorFor('bob@example.com'), id, { reason: 'Not before the freeze ends' });
    await until('the requester’s email', () => mailsTo('alice@example.com').length > 0);
    const [outcome] = mailsTo('alice@example.com');
    expect(outcome!.subject).toBe(`Rejected: ${api.name} DEV → QA`);
    expect(outcome!.text).toContain('Bob Approver rejected your promotion');
    expect(outcome!.text).toContain('Reason: Not before the freeze ends');
    expect(outcome!.text).toContain(`https://stageway.example.com/promotions/${id}`);
  });

  it('an accepted promotion tells the requester once, when it is applied; a change that rolls back sends nothing', async () => {
    inbox.length = 0;
    const api = await createTestApi();
    const alice = await actorFor('alice@example.com');
    const bob = await actorFor('bob@example.com');
    const first = await requestPromotion(alice, { apiId: api.id, target: 'qa' });
    await until('the request’s email', () => mailsTo('bob@example.com').length > 0);

    // The approval applies it, then applying fails: everything rolls back, nothing is sent.
    const lift = await refuseApiCreation(api.crossId);
    try {
      await expect(approvePromotion(bob, first.id, {})).rejects.toThrow();
    } finally {
      await lift();
    }
    await settle(3_000);
    expect(mailsTo('alice@example.com')).toEqual([]);

    await approvePromotion(bob, first.id, { comment: 'Ship it' });
    await until('the outcome', () => mailsTo('alice@example.com').length > 0);
    await settle(2_000);
    // approved (completing the policy), accepted and applied: one message, the applied one.
    expect(mailsTo('alice@example.com').map((mail) => mail.subject)).toEqual([
      `Applied: ${api.name} DEV → QA`,
    ]);
    expect(mailsTo('alice@example.com')[0]!.text).toContain('QA has the new API');
  });

  it('follows each user’s preference, and retries what the server refuses', async () => {
    inbox.length = 0;
    const bob = await actorFor('bob@example.com');
    await setEmailPreference(bob, { emailNotifications: 'mine' });
    try {
      const api = await createTestApi();
      await requestPromotion(await actorFor('alice@example.com'), { apiId: api.id, target: 'qa' });
      await settle(3_000);
      expect(inbox).toEqual([]);
    } finally {
      await setEmailPreference(bob, { emailNotifications: 'all' });
    }

    // The server says "try later" twice: the third attempt is delivered.
    refuseNext = 2;
    const api = await createTestApi();
    await requestPromotion(await actorFor('alice@example.com'), { apiId: api.id, target: 'qa' });
    await until('the retried email', () => mailsTo('bob@example.com').length > 0, 40);
    const [bobId] = await getDb()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'bob@example.com'));
    const deliveries = await getDb()
      .select()
      .from(emailDeliveries)
      .where(eq(emailDeliveries.userId, bobId!.id));
    const last = deliveries.find((delivery) => delivery.status === 'sent' && delivery.attempts === 3);
    expect(last, JSON.stringify(deliveries)).toBeDefined();
  });
});
