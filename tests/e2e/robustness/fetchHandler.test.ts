import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createUploadHandler, type UploadEvent, type UploadHandlerConfig } from '../../../src/server/index';
import { testS3 } from '../s3';
import { paddedMultipartComplete, paddedPresign } from './fixtures/fuzzRequests';
import { NORMAL_PRESIGN } from './fixtures/presignAndPut';

// Odd Requests handed straight to the Fetch handler, as Next.js, Hono, Bun or Deno would.
const BODY_TIMEOUT_MS = 500;
const KiB = 1024;
const MiB = 1024 * KiB;
const { bucket } = inject('minio');
const s3 = testS3();

const unhandled: unknown[] = [];
const onRejection = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onRejection);
afterEach(() => {
  unhandled.length = 0;
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  s3.destroy();
});

type User = { id: string };
function handlerFor(overrides: Partial<UploadHandlerConfig<User>> = {}) {
  return createUploadHandler<User>({
    s3,
    bucket,
    secret: 'robustness-fetch-secret-of-at-least-32-bytes!',
    authorize: (request) => {
      const id = request.headers.get('x-user');
      return id ? { id } : null;
    },
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    ...overrides,
  });
}

const handler = handlerFor();
const URL_ = 'http://app.test/api/upload/presign';
const JSON_TYPE = { 'content-type': 'application/json', 'x-user': 'alice' };
const bytes = (text: string) => new TextEncoder().encode(text);

/** A POST whose body is a stream (so it has no Content-Length), as a runtime hands it over. */
function streamed(
  url: string,
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string> = JSON_TYPE,
) {
  // `duplex` is required by Node for a stream body and missing from the DOM typings.
  return new Request(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

/** The handler's answer, or a failure naming the bound when none came within `ms`. */
async function within(ms: number, response: Promise<Response>): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([response, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Status, headers and the JSON error of a response. */
async function read(response: Response) {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Compared as text.
  }
  return {
    status: response.status,
    allow: response.headers.get('allow'),
    type: response.headers.get('content-type'),
    body,
  };
}

function jsonError(status: number, code?: string) {
  return {
    status,
    type: expect.stringMatching(/^application\/json/),
    body: { error: { code: code ?? expect.any(String), message: expect.any(String) } },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('methods', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'FOO', 'PROPFIND', 'M-SEARCH', 'patch'])(
    '%s → 405 with Allow: POST and a JSON error',
    async (method) => {
      const withBody = method !== 'GET';
      const response = await handler(
        new Request(URL_, { method, headers: JSON_TYPE, ...(withBody ? { body: NORMAL_PRESIGN } : {}) }),
      );
      expect(await read(response)).toMatchObject({ ...jsonError(405, 'method-not-allowed'), allow: 'POST' });
    },
  );

  it('HEAD → 405 with Allow: POST', async () => {
    const response = await handler(new Request(URL_, { method: 'HEAD', headers: JSON_TYPE }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('post in lower case is POST (Fetch normalises it): 200', async () => {
    const response = await handler(
      new Request(URL_, { method: 'post', headers: JSON_TYPE, body: NORMAL_PRESIGN }),
    );
    expect(response.status).toBe(200);
  });

  it('TRACE, TRACK and CONNECT cannot reach a Fetch handler: new Request refuses them', () => {
    // Which is why the Node adapter must answer them itself.
    for (const method of ['TRACE', 'TRACK', 'CONNECT']) {
      expect(() => new Request(URL_, { method })).toThrow(TypeError);
    }
  });
});

describe('bodies that break, stall or run over', () => {
  it('a body stream that errors midway → 400', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes('{"file":{"name":"a.png",'));
      },
      pull(controller) {
        controller.error(new Error('connection lost'));
      },
    });
    const response = await within(BODY_TIMEOUT_MS + 3000, handler(streamed(URL_, body)));
    expect(await read(response)).toMatchObject(jsonError(400, 'bad-request'));
  });

  it('a body stream that never ends → 408 once bodyTimeoutMs has passed', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes('{"file":'));
      },
      pull: () => new Promise<void>(() => undefined),
    });
    const started = Date.now();
    const response = await within(BODY_TIMEOUT_MS + 3000, handler(streamed(URL_, body)));
    expect(await read(response)).toMatchObject(jsonError(408));
    expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS * 0.8);
  });

  it('a streamed body over the 64 KiB cap (no Content-Length) → 413', async () => {
    const whole = bytes(paddedPresign(70 * KiB));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < whole.length; offset += 8 * KiB) {
          controller.enqueue(whole.subarray(offset, offset + 8 * KiB));
        }
        controller.close();
      },
    });
    const response = await within(BODY_TIMEOUT_MS + 3000, handler(streamed(URL_, body)));
    expect(await read(response)).toMatchObject(jsonError(413));
  });

  it('a 32 MiB stream is cut off at the cap: 413, and not read to its end', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * KiB).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 32 * MiB) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await within(BODY_TIMEOUT_MS + 3000, handler(streamed(URL_, body)));
    expect(await read(response)).toMatchObject(jsonError(413));
    expect(pulled).toBeLessThan(MiB);
  });

  it('multipart/complete reads a streamed 1 MiB (then refuses its made-up token: 403), and 1 MiB + 1 → 413', async () => {
    const url = 'http://app.test/api/upload/multipart/complete';
    const once = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes(text));
          controller.close();
        },
      });
    const fits = await within(5000, handler(streamed(url, once(paddedMultipartComplete(MiB)))));
    expect(await read(fits)).toMatchObject(jsonError(403));
    const over = await within(5000, handler(streamed(url, once(paddedMultipartComplete(MiB + 1)))));
    expect(await read(over)).toMatchObject(jsonError(413));
  });
});

describe('content types', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data', 'multipart/form-data; boundary=----upkit'],
    ['application/jsonx', 'application/jsonx'],
    ['text/json', 'text/json'],
    ['application/json with a second type', 'application/json, text/plain'],
    ['no Content-Type', null],
  ])('%s → 415 unsupported-media-type', async (_, type) => {
    // A byte body: a string body would make Request add text/plain itself.
    const response = await handler(
      new Request(URL_, {
        method: 'POST',
        headers: { 'x-user': 'alice', ...(type === null ? {} : { 'content-type': type }) },
        body: bytes(NORMAL_PRESIGN),
      }),
    );
    expect(await read(response)).toMatchObject(jsonError(415, 'unsupported-media-type'));
  });

  // RFC 9110 §8.3.1: type, subtype and parameter names are case-insensitive.
  it.each(['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON'])(
    '%s is JSON: 200',
    async (type) => {
      const response = await handler(
        new Request(URL_, {
          method: 'POST',
          headers: { 'x-user': 'alice', 'content-type': type },
          body: bytes(NORMAL_PRESIGN),
        }),
      );
      expect(response.status).toBe(200);
    },
  );

  it.each([
    ['an array', '[]'],
    ['a string', '"presign"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['invalid JSON', '{"file":'],
    ['an empty body', ''],
  ])('%s → 400 bad-request', async (_, body) => {
    const response = await handler(new Request(URL_, { method: 'POST', headers: JSON_TYPE, body }));
    expect(await read(response)).toMatchObject(jsonError(400, 'bad-request'));
  });
});

describe('callbacks that throw', () => {
  it.each([
    [
      'throws an Error',
      () => {
        throw new Error('session store down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('session store down'))],
    [
      'throws a string',
      () => {
        throw 'session store down';
      },
    ],
  ] as const)('an authorize that %s → 500 server-error, no unhandled rejection', async (_, authorize) => {
    const response = await handlerFor({ authorize })(
      new Request(URL_, { method: 'POST', headers: JSON_TYPE, body: NORMAL_PRESIGN }),
    );
    expect(await read(response)).toMatchObject(jsonError(500, 'server-error'));
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('an onEvent that throws: the presign is still answered, no unhandled rejection', async () => {
    const seen: string[] = [];
    const throwing = handlerFor({
      onEvent: (event: UploadEvent) => {
        seen.push(event.type);
        throw new Error('log sink down');
      },
    });
    const response = await throwing(
      new Request(URL_, { method: 'POST', headers: JSON_TYPE, body: NORMAL_PRESIGN }),
    );
    const answer = await read(response);
    // A broken log sink should not cost the user the upload; a 500 would at least be an answer.
    if (answer.status === 200) expect(answer.body).toMatchObject({ url: expect.stringMatching(/^http/) });
    else expect(answer).toMatchObject(jsonError(500, 'server-error'));
    expect(seen.length).toBeGreaterThan(0);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('an onEvent that throws on a refusal: the refusal keeps its status (405)', async () => {
    const throwing = handlerFor({
      onEvent: () => {
        throw new Error('log sink down');
      },
    });
    const response = await throwing(new Request(URL_, { method: 'GET', headers: JSON_TYPE }));
    expect(await read(response)).toMatchObject({ ...jsonError(405, 'method-not-allowed'), allow: 'POST' });
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('an async onEvent that rejects: the answer comes, no unhandled rejection', async () => {
    const rejecting = handlerFor({
      // onEvent is typed to return void; an async one still returns a promise that can reject.
      onEvent: async () => {
        throw new Error('log sink down');
      },
    });
    const response = await rejecting(
      new Request(URL_, { method: 'POST', headers: JSON_TYPE, body: NORMAL_PRESIGN }),
    );
    expect(response.status).toBe(200);
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe('odd paths', () => {
  const at = (url: string) =>
    handler(new Request(url, { method: 'POST', headers: JSON_TYPE, body: NORMAL_PRESIGN })).then(
      (r) => r.status,
    );

  // The operation is read from the end of the path: trailing slashes, empty segments, a query
  // and any prefix do not change it.
  it.each([
    '/api/upload/presign/',
    '/api/upload/presign//',
    '/api/upload//presign',
    '/api/upload/presign?x=1&y',
    '/v2/files/presign',
  ])('%s → 200 (presign)', async (path) => {
    expect(await at(`http://app.test${path}`)).toBe(200);
  });

  // An encoded slash is data, not a separator (RFC 3986 §2.2); an operation is a whole segment,
  // matched case-sensitively.
  it.each([
    '/api/upload/multipart%2Fcreate',
    '/api/upload/x%2Fpresign',
    '/api/upload/presign%2F',
    '/api/upload/%2Fpresign%2F',
    '/api/upload/PRESIGN',
    '/api/upload/signpresign',
    '/api/upload/presign;x=1',
    '/api/upload/presign/..',
    '/api/upload/',
  ])('%s → 404 not-found', async (path) => {
    const response = await handler(
      new Request(`http://app.test${path}`, { method: 'POST', headers: JSON_TYPE, body: NORMAL_PRESIGN }),
    );
    expect(await read(response)).toMatchObject(jsonError(404, 'not-found'));
  });
});
