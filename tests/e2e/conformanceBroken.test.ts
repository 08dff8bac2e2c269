import { afterAll, describe, expect, inject, it } from 'vitest';
import { runConformance, type RuleStatus } from '../../src/conformance/index';
import type { UploadHandlerConfig } from '../../src/server/index';
import { serveBackend, withS3PartPages, type ServedBackend } from '../conformance/serveBackend';
import { testS3 } from './s3';

// The kit catches broken backends: upkit/server behind a Fetch-API wrapper that breaks one
// promise of docs/protocol.md (or with a configuration that gives one up), checked by the rules
// that must notice. Each names the rules it breaks; they must FAIL (or SKIP, where a backend
// may leave the feature out), and a control rule must still PASS.
const { bucket } = inject('minio');
const s3 = withS3PartPages(testS3());
const opened: ServedBackend[] = [];
afterAll(async () => {
  await Promise.all(opened.map((backend) => backend.close()));
  s3.destroy();
});

type FetchHandler = (request: Request) => Promise<Response>;
type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const pathOf = (request: Request) => new URL(request.url).pathname;

/** A wrapper that may rewrite the request body and the 2xx JSON answer of an operation. */
function rewriting(rewrite: (path: string, answer: Json) => Json, handler: FetchHandler): FetchHandler {
  return async (request) => {
    const response = await handler(request);
    if (response.status !== 200) return response;
    const answer: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (!isRecord(answer)) return response;
    return Response.json(rewrite(pathOf(request), answer), { status: 200, headers: response.headers });
  };
}

/**
 * Tokens that bind nothing: the wrapper remembers who was given each key, and later calls for
 * that key run as its owner with its real token, whoever sends them and whatever token they send.
 */
const withoutTokenChecks =
  (handler: FetchHandler): FetchHandler =>
  async (request) => {
    const text = await request.text();
    const body: unknown = JSON.parse(text || 'null');
    const headers = new Headers(request.headers);
    let sent = text;
    const owner = isRecord(body) && typeof body.key === 'string' ? owners.get(body.key) : undefined;
    if (owner && isRecord(body)) {
      headers.set('authorization', owner.authorization);
      sent = JSON.stringify({ ...body, token: owner.token });
    }
    const response = await handler(new Request(request.url, { method: 'POST', headers, body: sent }));
    const answer: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (
      isRecord(answer) &&
      typeof answer.key === 'string' &&
      /\/(presign|multipart\/create)$/.test(pathOf(request))
    ) {
      owners.set(answer.key, {
        token: answer.token,
        authorization: request.headers.get('authorization') ?? '',
      });
    }
    return response;
  };
const owners = new Map<string, { token: unknown; authorization: string }>();

/** Errors as plain text: the status is right, the `{ error: { code, message } }` body is gone. */
const withPlainErrors =
  (handler: FetchHandler): FetchHandler =>
  async (request) => {
    const response = await handler(request);
    if (response.status < 400) return response;
    return new Response('Something went wrong.', {
      status: response.status,
      headers: { 'content-type': 'text/plain' },
    });
  };

/** `expiresAt` in epoch seconds, the mistake the protocol names. */
const withExpiresAtInSeconds = (handler: FetchHandler) =>
  rewriting((path, answer) => {
    const seconds = (value: unknown) => Math.floor(Date.parse(String(value)) / 1000);
    if (path.endsWith('/presign')) return { ...answer, expiresAt: seconds(answer.expiresAt) };
    if (path.endsWith('/sign-parts') && Array.isArray(answer.parts)) {
      return { ...answer, parts: answer.parts.map((p: Json) => ({ ...p, expiresAt: seconds(p.expiresAt) })) };
    }
    return answer;
  }, handler);

/** Every complete answers something new: a retried complete cannot tell it already succeeded. */
const withChangingCompletions = (handler: FetchHandler) => {
  let n = 0;
  return rewriting(
    (path, answer) => (path.endsWith('complete') ? { ...answer, attempt: ++n } : answer),
    handler,
  );
};

/** list-parts as one ListParts call: the first 1,000 parts. */
const withFirstPageOnly = (handler: FetchHandler) =>
  rewriting(
    (path, answer) =>
      path.endsWith('/list-parts') && Array.isArray(answer.parts)
        ? { ...answer, parts: answer.parts.slice(0, 1000) }
        : answer,
    handler,
  );

/** Only the seven one-file endpoints: the batch paths answer 404. */
const withoutBatches =
  (handler: FetchHandler): FetchHandler =>
  async (request) =>
    pathOf(request).endsWith('/batch')
      ? Response.json({ error: { code: 'not-found', message: 'Unknown upload endpoint.' } }, { status: 404 })
      : handler(request);

/**
 * A logging middleware in front that walks each body with a JSON reviver (recursive in V8) and
 * answers 500 when that throws: a deep body overflows its stack.
 */
const withRecursiveBodyWalk =
  (handler: FetchHandler): FetchHandler =>
  async (request) => {
    try {
      JSON.parse(await request.clone().text(), (_key, value: unknown) => value);
    } catch (error) {
      if (error instanceof RangeError) {
        return Response.json({ error: { code: 'server-error', message: 'Failed.' } }, { status: 500 });
      }
    }
    return handler(request);
  };

interface BrokenCase {
  name: string;
  wrap?: (handler: FetchHandler) => FetchHandler;
  config?: Partial<UploadHandlerConfig<{ id: string }>>;
  /** Rules that must come out as given; one control that must still pass. */
  expected: Record<string, RuleStatus>;
}

const cases: BrokenCase[] = [
  {
    name: "a wrapper that drops token checking (calls run as the key's owner with its real token)",
    wrap: withoutTokenChecks,
    expected: {
      'binding-complete': 'fail',
      'binding-sign-parts': 'fail',
      'binding-list-parts': 'fail',
      'binding-multipart-complete': 'fail',
      'binding-abort': 'fail',
      'token-tampered': 'fail',
      'single-upload': 'pass',
    },
  },
  {
    name: 'a wrapper that answers errors as plain text, without { error: { code, message } }',
    wrap: withPlainErrors,
    expected: {
      unauthenticated: 'fail',
      'malformed-json': 'fail',
      'unknown-path': 'fail',
      'type-refused': 'fail',
      'list-parts-gone': 'fail',
      'binding-sign-parts': 'fail',
      'presign-shape': 'pass',
    },
  },
  {
    name: 'a wrapper that returns expiresAt in epoch seconds',
    wrap: withExpiresAtInSeconds,
    expected: {
      'presign-shape': 'fail',
      'sign-parts-shape': 'fail',
      'single-upload': 'fail',
      'create-shape': 'pass',
    },
  },
  {
    name: 'a wrapper whose completes answer something new every time',
    wrap: withChangingCompletions,
    expected: {
      'complete-idempotent': 'fail',
      'multipart-complete-idempotent': 'fail',
      'single-upload': 'pass',
    },
  },
  {
    name: 'a wrapper whose list-parts stops after the first ListParts page',
    wrap: withFirstPageOnly,
    expected: { 'list-parts-paging': 'fail', 'list-parts-shape': 'pass' },
  },
  {
    name: 'a backend without the batch endpoints (404): the batch rules skip',
    wrap: withoutBatches,
    expected: {
      'presign-batch': 'skip',
      'complete-batch': 'skip',
      'batch-limit': 'skip',
      'unknown-path': 'pass',
    },
  },
  {
    name: 'a backend that does not check content (sniffContent: false)',
    config: { sniffContent: false },
    expected: {
      'content-mismatch': 'fail',
      'multipart-content-mismatch': 'fail',
      'refusal-is-final': 'fail',
      'second-put-after-complete': 'pass',
    },
  },
  {
    name: 'a middleware whose recursive body walk overflows on deep nesting (500)',
    wrap: withRecursiveBodyWalk,
    expected: { 'nested-json': 'fail', 'malformed-json': 'pass' },
  },
  {
    name: "a backend that keys objects by the client's file name",
    config: { objectKey: ({ userId, fileName }) => `uploads/${userId}/${fileName}` },
    expected: { 'server-chooses-keys': 'fail', 'presign-shape': 'pass' },
  },
];

describe('the kit catches broken backends', () => {
  it.each(cases)('$name', { timeout: 60_000 }, async ({ wrap, config, expected }) => {
    const backend = await serveBackend({ bucket, handlerS3: testS3() }, config, wrap);
    opened.push(backend);
    const report = await runConformance({
      ...backend.options,
      storage: { s3, bucket },
      only: Object.keys(expected),
    });
    const seen = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    const reasons = report.results.map((r) => `${r.status} ${r.id}: ${r.reason}`).join('\n');
    expect(seen, reasons).toEqual(expected);
    // A failure says what was expected and what came back.
    for (const result of report.results.filter((r) => r.status === 'fail')) {
      expect(result.reason, result.id).toMatch(/expected|got|storage/i);
    }
  });
});
