import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../../../src/server/index';
import { countingLimiter, expectNothingStored, file, handlerFor, type CallResult } from './harness';

// Spec J: failed sign-ins are limited per client address (getClientAddress, or the socket
// address under toNodeHandler; an IPv6 address's /64) by addressRateLimit. Past the limit they
// get 429 and Retry-After instead of 401 until the window ends. Signed-in requests never count
// and are never refused, so users behind one proxy cannot lock each other out.

const byHeader = (request: Request) => request.headers.get('x-test-address');

describe('J. addressRateLimit limits failed sign-ins per client address', () => {
  it('a limiter allowing 3: five anonymous presigns from one address → 401 ×3, then 429 ×2 with Retry-After', async () => {
    const h = handlerFor({ addressRateLimit: countingLimiter(3), getClientAddress: byHeader });
    const answers: CallResult[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await h.call(
          'presign',
          { file: file(100) },
          { user: null, headers: { 'x-test-address': '203.0.113.7' } },
        ),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
    expect(answers[3]!.body.error.code).toBe('rate-limited');
    expect(answers[3]!.headers.get('retry-after')).toBe('2');
    expect(h.counts.authorize).toBe(5);

    const elsewhere = await h.call(
      'presign',
      { file: file(100) },
      { user: null, headers: { 'x-test-address': '198.51.100.9' } },
    );
    expect(elsewhere.status, 'another address has its own budget').toBe(401);
    expect(h.counts.authorize).toBe(6);
    await expectNothingStored(h);
  });

  it('signed-in presigns never count: ten from one address → 200 ×10, the limiter never asked', async () => {
    const limiter = countingLimiter(3);
    const h = handlerFor({ addressRateLimit: limiter, getClientAddress: byHeader });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await h.call('presign', { file: file(100) }, { headers: { 'x-test-address': '203.0.113.8' } }))
          .status,
      );
    }
    expect(statuses).toEqual(Array(10).fill(200));
    expect(limiter.asked).toEqual([]);
  });

  it('at an address past its limit, anonymous requests get 429 and signed-in users are still served', async () => {
    const h = handlerFor({ addressRateLimit: countingLimiter(0, 2500), getClientAddress: byHeader });
    const headers = { 'x-test-address': '203.0.113.9' };
    const anonymous = await h.call('presign', { file: file(100) }, { user: null, headers });
    expect(anonymous).toMatchObject({ status: 429, body: { error: { code: 'rate-limited' } } });
    expect(anonymous.headers.get('retry-after')).toBe('3');
    expect(anonymous.body.url).toBeUndefined();
    const signedIn = await h.call('presign', { file: file(100) }, { headers });
    expect(signedIn.status).toBe(200);
    expect(typeof signedIn.body.url).toBe('string');
  });

  it('failed sign-ins from one IPv6 /64 share a budget: limit 3, five addresses of 2001:db8:1:2::/64 → 401 ×3, 429 ×2', async () => {
    const h = handlerFor({ addressRateLimit: countingLimiter(3), getClientAddress: byHeader });
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const headers = { 'x-test-address': `2001:db8:1:2:${i.toString(16)}::${i}` };
      statuses.push((await h.call('presign', { file: file(100) }, { user: null, headers })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const neighbour = await h.call(
      'presign',
      { file: file(100) },
      { user: null, headers: { 'x-test-address': '2001:db8:1:3::1' } },
    );
    expect(neighbour.status, 'the next /64 has its own budget').toBe(401);
  });
});

describe('J. an unknown address is not one shared bucket', () => {
  it('getClientAddress answers null: four anonymous presigns → 401 ×4, authorize asked 4 times', async () => {
    const h = handlerFor({ addressRateLimit: countingLimiter(3), getClientAddress: () => null });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await h.call('presign', { file: file(100) }, { user: null })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(h.counts.authorize).toBe(4);
    await expectNothingStored(h);
  });
});

describe('J. under toNodeHandler the socket address is the client address', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('no getClientAddress, five anonymous calls over HTTP, each with another X-Forwarded-For → 401 ×3, then 429 ×2', async () => {
    const h = handlerFor({ addressRateLimit: countingLimiter(3) });
    server = createServer(toNodeHandler(h.handler));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answers: Array<{ status: number; retryAfter: string | null }> = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/api/upload/presign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i + 1}` },
        body: JSON.stringify({ file: file(100) }),
      });
      answers.push({ status: response.status, retryAfter: response.headers.get('retry-after') });
      await response.arrayBuffer();
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
    expect(answers[3]!.retryAfter).toBe('2');
    expect(h.counts.authorize).toBe(5);
    await expectNothingStored(h);
  });
});
