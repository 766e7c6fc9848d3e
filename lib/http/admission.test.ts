import { describe, expect, it } from 'vitest';

import { EventEmitter } from 'node:events';

import { admit, bypassesAdmission, createAdmission } from './admission.mjs';

describe('admission', () => {
  it('admits up to the limit, queues the rest in order, and refuses those that waited too long', async () => {
    const gate = createAdmission({ maxInFlight: 2, waitMs: 200 });
    const first = await gate.enter();
    const second = await gate.enter();
    expect(first && second).toBeTruthy();
    expect(gate.inFlight).toBe(2);

    const order: string[] = [];
    const third = gate.enter().then((leave) => (order.push('third'), leave));
    const fourth = gate.enter().then((leave) => (order.push('fourth'), leave));
    expect(gate.waiting).toBe(2);
    first!();
    first!(); // Leaving twice frees one turn, not two.
    const thirdLeave = await third;
    expect(thirdLeave).toBeTypeOf('function');
    expect(order).toEqual(['third']);
    expect(await fourth).toBeNull(); // Nobody left within 200 ms.
    expect(gate.waiting).toBe(0);

    second!();
    thirdLeave!();
    expect(gate.inFlight).toBe(0);
    expect(await gate.enter()).toBeTypeOf('function');
  });

  it('gives back the turn of a client that left while waiting, without running its request', async () => {
    const gate = createAdmission({ maxInFlight: 1, waitMs: 1_000 });
    const exchange = () => {
      const response = Object.assign(new EventEmitter(), { writeHead: () => {}, end: () => {} });
      return { request: { url: '/api/v1/environments' }, response };
    };
    const ran: string[] = [];
    const first = exchange();
    await admit(gate, first.request as never, first.response as never, () => ran.push('first'));
    const second = exchange();
    const waiting = admit(gate, second.request as never, second.response as never, () => ran.push('second'));
    second.response.emit('close'); // The client gave up while the first still runs.
    first.response.emit('close');
    await waiting;
    expect(ran).toEqual(['first']);
    expect(gate.inFlight).toBe(0);
    const third = exchange();
    await admit(gate, third.request as never, third.response as never, () => ran.push('third'));
    expect(ran).toEqual(['first', 'third']);
  });

  it('lets liveness and build assets through without a turn', () => {
    expect(bypassesAdmission('/api/health')).toBe(true);
    expect(bypassesAdmission('/_next/static/chunks/a.js')).toBe(true);
    expect(bypassesAdmission('/api/health?ready=1')).toBe(false);
    expect(bypassesAdmission('/api/v1/environments')).toBe(false);
  });
});
