import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpBackend } from '../../src/backends/httpBackend';
import { UploadError } from '../../src/core/errors';
import { rejection } from '../helpers/rejection';

const BASE = 'http://api.test/upload';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ctx = () => ({ signal: new AbortController().signal });
const file = { name: 'a.png', size: 3, type: 'image/png' };

describe('httpBackend', () => {
  it('POSTs JSON with static and computed headers and parses the presign answer', async () => {
    let seen: { body: unknown; headers: Record<string, string> } | undefined;
    server.use(
      http.post(`${BASE}/presign`, async ({ request }) => {
        seen = { body: await request.json(), headers: Object.fromEntries(request.headers) };
        return HttpResponse.json({
          url: 'https://s3.test/k?sig',
          method: 'PUT',
          headers: { 'Content-Type': 'image/png' },
          key: 'uploads/u1/k.png',
          expiresAt: '2030-01-01T00:00:00.000Z',
          token: 'tok',
        });
      }),
    );
    const backend = httpBackend({
      baseUrl: `${BASE}/`,
      headers: { 'x-csrf': 'c' },
      getHeaders: async () => ({ authorization: 'Bearer t' }),
    });
    const result = await backend.presign(file, ctx());
    expect(result).toEqual({
      url: 'https://s3.test/k?sig',
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      key: 'uploads/u1/k.png',
      expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
      token: 'tok',
    });
    // Every call names the protocol version it speaks (docs/protocol.md, Versions).
    expect(seen?.body).toEqual({ protocol: 1, file });
    expect(seen?.headers).toMatchObject({
      'x-csrf': 'c',
      authorization: 'Bearer t',
      'content-type': 'application/json',
    });
  });

  it('speaks every multipart endpoint of docs/protocol.md', async () => {
    const calls: Array<[string, unknown]> = [];
    server.use(
      http.post(`${BASE}/multipart/*`, async ({ request }) => {
        const path = new URL(request.url).pathname.replace('/upload/', '');
        const body = await request.json();
        calls.push([path, body]);
        switch (path) {
          case 'multipart/create':
            return HttpResponse.json({ uploadId: 'U', key: 'K', token: 'T', partSize: 6 * 1024 * 1024 });
          case 'multipart/sign-parts':
            return HttpResponse.json({
              parts: [{ partNumber: 1, url: 'https://s3.test/1', expiresAt: 1e12 }],
            });
          case 'multipart/list-parts':
            return HttpResponse.json({ parts: [{ partNumber: 1, etag: '"e1"', size: 5 }] });
          case 'multipart/complete':
            return HttpResponse.json({ key: 'K', location: 'https://s3.test/K' });
          default:
            return new HttpResponse(null, { status: 204 });
        }
      }),
    );
    const backend = httpBackend<{ key: string; location: string }>({ baseUrl: BASE });
    const { partSize, ...session } = await backend.createMultipart(file, ctx(), {
      partSize: 8 * 1024 * 1024,
    });
    // The server's part size comes back: it signs each part's length.
    expect(partSize).toBe(6 * 1024 * 1024);
    expect(session).toEqual({ uploadId: 'U', key: 'K', token: 'T' });
    expect(await backend.signParts({ ...session, partNumbers: [1] }, ctx())).toEqual([
      { partNumber: 1, url: 'https://s3.test/1', method: 'PUT', expiresAt: 1e12 },
    ]);
    expect(await backend.listParts(session, ctx())).toEqual([{ partNumber: 1, etag: '"e1"', size: 5 }]);
    const parts = [{ partNumber: 1, etag: '"e1"' }];
    expect(await backend.completeMultipart({ ...session, parts, file }, ctx())).toEqual({
      key: 'K',
      location: 'https://s3.test/K',
    });
    await backend.abortMultipart(session, ctx());
    expect(calls).toEqual([
      ['multipart/create', { protocol: 1, file, partSize: 8 * 1024 * 1024 }],
      ['multipart/sign-parts', { protocol: 1, uploadId: 'U', key: 'K', token: 'T', partNumbers: [1] }],
      ['multipart/list-parts', { protocol: 1, uploadId: 'U', key: 'K', token: 'T' }],
      ['multipart/complete', { protocol: 1, uploadId: 'U', key: 'K', token: 'T', parts, file }],
      ['multipart/abort', { protocol: 1, uploadId: 'U', key: 'K', token: 'T' }],
    ]);
  });

  it('turns an error body into a backend-error with the server message, status and Retry-After', async () => {
    server.use(
      http.post(`${BASE}/presign`, () =>
        HttpResponse.json(
          { error: { code: 'rate-limited', message: 'Slow down.' } },
          { status: 429, headers: { 'Retry-After': '3' } },
        ),
      ),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(error).toMatchObject({
      code: 'backend-error',
      status: 429,
      retryAfterMs: 3000,
      message: 'Slow down.',
    });
  });

  it('explains a 5xx without a JSON body', async () => {
    server.use(
      http.post(`${BASE}/presign`, () => new HttpResponse('<html>Bad gateway</html>', { status: 502 })),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(error).toMatchObject({ code: 'backend-error', status: 502 });
    expect(error.message).toBe('The upload backend answered presign with HTTP 502.');
  });

  it('keeps the server error code as serverCode', async () => {
    server.use(
      http.post(`${BASE}/presign`, () =>
        HttpResponse.json({ error: { code: 'quota-exceeded', message: 'Quota used up.' } }, { status: 403 }),
      ),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(error).toMatchObject({ code: 'backend-error', serverCode: 'quota-exceeded', status: 403 });
  });

  it('refuses expiresAt in epoch seconds, which would look long expired', async () => {
    server.use(
      http.post(`${BASE}/presign`, () => HttpResponse.json({ url: 'u', key: 'k', expiresAt: 1_900_000_000 })),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(error.code).toBe('invalid-response');
    expect(error.message).toMatch(/seconds; send epoch milliseconds/);
  });

  it("moves expiresAt onto the client's clock using the server's Date header", async () => {
    const serverNow = Date.now() - 10 * 60_000; // the server's clock is 10 minutes behind
    server.use(
      http.post(`${BASE}/presign`, () =>
        HttpResponse.json(
          { url: 'u', key: 'k', expiresAt: serverNow + 15 * 60_000 },
          { headers: { Date: new Date(serverNow).toUTCString() } },
        ),
      ),
    );
    const { expiresAt } = await httpBackend({ baseUrl: BASE }).presign(file, ctx());
    // 15 minutes from now on our clock, give or take the Date header's one-second resolution.
    expect(Math.abs(expiresAt! - (Date.now() + 15 * 60_000))).toBeLessThan(2000);
  });

  it('times out a backend that sends headers and then stalls the body', async () => {
    server.use(
      http.post(`${BASE}/presign`, () => {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"url":'));
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE, timeoutMs: 100 }).presign(file, ctx()));
    expect(error.code).toBe('timeout');
  });

  it('rejects answers that do not follow the protocol with invalid-response', async () => {
    server.use(http.post(`${BASE}/presign`, () => HttpResponse.json({ key: 'k' })));
    const missingUrl = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(missingUrl.code).toBe('invalid-response');
    expect(missingUrl.message).toMatch(/"url".*docs\/protocol\.md/);

    server.use(http.post(`${BASE}/presign`, () => new HttpResponse('not json', { status: 200 })));
    expect((await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()))).code).toBe(
      'invalid-response',
    );

    server.use(http.post(`${BASE}/presign`, () => HttpResponse.json({ url: 'u', key: 'k', method: 'POST' })));
    expect((await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()))).message).toMatch(
      /only PUT/,
    );
  });

  it('times out a call that never answers', async () => {
    server.use(
      http.post(`${BASE}/presign`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await rejection(httpBackend({ baseUrl: BASE, timeoutMs: 50 }).presign(file, ctx()));
    expect(error.code).toBe('timeout');
  });

  it('reports an aborted call as aborted, not as a failure', async () => {
    server.use(
      http.post(`${BASE}/presign`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const pending = httpBackend({ baseUrl: BASE }).presign(file, { signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe('aborted');
  });

  it('reports an unreachable backend as a network error', async () => {
    server.use(http.post(`${BASE}/presign`, () => HttpResponse.error()));
    const error = await rejection(httpBackend({ baseUrl: BASE }).presign(file, ctx()));
    expect(error.code).toBe('network');
  });
});

const fileNamed = (name: string) => ({ name, size: 3, type: 'image/png' });
const signed = (name: string) => ({
  url: `https://s3.test/${name}?sig`,
  key: `uploads/${name}`,
  token: `t-${name}`,
});

/** Records each call's path and body. */
function recorder() {
  const calls: Array<{ path: string; body: unknown }> = [];
  const record = async (request: Request) => {
    const body = await request.json();
    calls.push({ path: new URL(request.url).pathname.replace('/upload/', ''), body });
    return body as Record<string, unknown>;
  };
  return { calls, record };
}

describe('httpBackend batch calls', () => {
  it('presigns many files in one POST presign/batch, each entry parsed as its one-file answer', async () => {
    const { calls, record } = recorder();
    server.use(
      http.post(`${BASE}/presign/batch`, async ({ request }) => {
        const { files } = (await record(request)) as { files: Array<{ file: { name: string } }> };
        return HttpResponse.json({
          results: files.map(({ file: { name } }) =>
            name === 'big.png'
              ? { status: 413, body: { error: { code: 'file-too-large', message: 'At most 1 kB.' } } }
              : name === 'busy.png'
                ? { status: 503, body: { error: { code: 'busy', message: 'Busy.' } }, retryAfter: 2 }
                : { status: 200, body: { ...signed(name), expiresAt: '2030-01-01T00:00:00.000Z' } },
          ),
        });
      }),
    );
    const backend = httpBackend({ baseUrl: BASE });
    const outcomes = await backend.presignBatch!(
      [
        { file: fileNamed('a.png'), checksum: 'c2hh' },
        { file: fileNamed('big.png') },
        { file: fileNamed('b.png'), resign: { key: 'uploads/b.png', token: 'old' } },
        { file: fileNamed('busy.png') },
      ],
      ctx(),
    );
    expect(calls).toEqual([
      {
        path: 'presign/batch',
        body: {
          protocol: 1,
          files: [
            { file: fileNamed('a.png'), checksum: 'c2hh' },
            { file: fileNamed('big.png') },
            { file: fileNamed('b.png'), resign: { key: 'uploads/b.png', token: 'old' } },
            { file: fileNamed('busy.png') },
          ],
        },
      },
    ]);
    expect(outcomes[0]).toEqual({
      ok: true,
      value: { ...signed('a.png'), method: 'PUT', expiresAt: Date.parse('2030-01-01T00:00:00.000Z') },
    });
    expect(outcomes[2]).toMatchObject({ ok: true, value: { key: 'uploads/b.png' } });
    const refused = outcomes[1] as { ok: false; error: UploadError };
    expect(refused.error).toBeInstanceOf(UploadError);
    expect(refused.error).toMatchObject({
      code: 'backend-error',
      status: 413,
      serverCode: 'file-too-large',
      message: 'At most 1 kB.',
    });
    expect((outcomes[3] as { ok: false; error: UploadError }).error).toMatchObject({
      status: 503,
      retryAfterMs: 2000,
    });
  });

  it('completes many files in one POST complete/batch; a 204 entry reads as no value', async () => {
    const { calls, record } = recorder();
    server.use(
      http.post(`${BASE}/complete/batch`, async ({ request }) => {
        const { uploads } = (await record(request)) as { uploads: Array<{ key: string }> };
        return HttpResponse.json({
          results: uploads.map(({ key }, i) =>
            i === 1 ? { status: 204, body: null } : { status: 200, body: { stored: key } },
          ),
        });
      }),
    );
    const backend = httpBackend<{ stored: string }>({ baseUrl: BASE });
    const inputs = ['a', 'b'].map((name) => ({
      key: `uploads/${name}`,
      token: 't',
      etag: '"e"',
      file: fileNamed(name),
    }));
    const outcomes = await backend.completeBatch!(inputs, ctx());
    expect(calls).toEqual([{ path: 'complete/batch', body: { protocol: 1, uploads: inputs } }]);
    expect(outcomes).toEqual([
      { ok: true, value: { stored: 'uploads/a' } },
      { ok: true, value: undefined },
    ]);
  });

  it('falls back to the one-file calls for good when a backend has no batch endpoint', async () => {
    const { calls, record } = recorder();
    server.use(
      http.post(`${BASE}/presign/batch`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ error: { code: 'not-found', message: 'Unknown.' } }, { status: 404 });
      }),
      http.post(`${BASE}/presign`, async ({ request }) => {
        const { file: sent } = (await record(request)) as { file: { name: string } };
        return sent.name === 'bad.png'
          ? HttpResponse.json({ error: { code: 'type', message: 'No.' } }, { status: 415 })
          : HttpResponse.json(signed(sent.name));
      }),
    );
    const backend = httpBackend({ baseUrl: BASE });
    const first = await backend.presignBatch!(
      [{ file: fileNamed('a.png') }, { file: fileNamed('bad.png') }],
      ctx(),
    );
    expect(first[0]).toMatchObject({ ok: true, value: { key: 'uploads/a.png' } });
    expect(first[1]).toMatchObject({ ok: false, error: { status: 415 } });
    await backend.presignBatch!([{ file: fileNamed('c.png') }], ctx());
    // The batch endpoint was asked once; after its 404 only the one-file endpoint.
    expect(calls.map((c) => c.path)).toEqual(['presign/batch', 'presign', 'presign', 'presign']);
  });

  it('splits a batch in halves when the server allows fewer files per batch', async () => {
    const sizes: number[] = [];
    server.use(
      http.post(`${BASE}/presign/batch`, async ({ request }) => {
        const { files } = (await request.json()) as { files: Array<{ file: { name: string } }> };
        sizes.push(files.length);
        if (files.length > 2) {
          return HttpResponse.json(
            { error: { code: 'batch-too-large', message: 'At most 2.' } },
            { status: 413 },
          );
        }
        return HttpResponse.json({
          results: files.map(({ file: f }) => ({ status: 200, body: signed(f.name) })),
        });
      }),
    );
    const backend = httpBackend({ baseUrl: BASE });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const outcomes = await backend.presignBatch!(
      names.map((name) => ({ file: fileNamed(name) })),
      ctx(),
    );
    expect(outcomes.map((o) => o.ok && o.value.key)).toEqual(names.map((name) => `uploads/${name}`));
    expect(sizes).toEqual([5, 3, 2, 1, 2]);
  });

  it('fails the whole call on an answer without one result per file, and on a whole-call error', async () => {
    server.use(
      http.post(`${BASE}/presign/batch`, () => HttpResponse.json({ results: [] })),
      http.post(`${BASE}/complete/batch`, () =>
        HttpResponse.json({ error: { code: 'down', message: 'Down.' } }, { status: 503 }),
      ),
    );
    const backend = httpBackend({ baseUrl: BASE });
    await expect(backend.presignBatch!([{ file: fileNamed('a') }], ctx())).rejects.toMatchObject({
      code: 'invalid-response',
    });
    await expect(backend.completeBatch!([{ key: 'k', file: fileNamed('a') }], ctx())).rejects.toMatchObject({
      code: 'backend-error',
      status: 503,
    });
  });

  it('fails only the entry whose answer breaks the protocol', async () => {
    server.use(
      http.post(`${BASE}/presign/batch`, () =>
        HttpResponse.json({
          results: [
            { status: 200, body: { url: 'https://s3.test/x' } },
            { body: {} },
            { status: 200, body: signed('c') },
          ],
        }),
      ),
    );
    const backend = httpBackend({ baseUrl: BASE });
    const outcomes = await backend.presignBatch!(
      ['a', 'b', 'c'].map((name) => ({ file: fileNamed(name) })),
      ctx(),
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as UploadError).code))).toEqual([
      'invalid-response',
      'invalid-response',
      'ok',
    ]);
  });
});

it("ignores an entry's retryAfter that is not whole seconds, as an unreadable Retry-After header is", async () => {
  server.use(
    http.post(`${BASE}/presign/batch`, () =>
      HttpResponse.json({
        results: [-3, 1.5, 'soon', 2].map((retryAfter) => ({
          status: 503,
          body: { error: { code: 'busy', message: 'Busy.' } },
          retryAfter,
        })),
      }),
    ),
  );
  const backend = httpBackend({ baseUrl: BASE });
  const outcomes = await backend.presignBatch!(
    ['a', 'b', 'c', 'd'].map((name) => ({ file: fileNamed(name) })),
    ctx(),
  );
  expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as UploadError).retryAfterMs))).toEqual([
    undefined,
    undefined,
    undefined,
    2000,
  ]);
});
