import express, { type Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUploadHandler, toNodeHandler } from '../../../src/server/index';
import { testS3 } from '../s3';
import { describeWireContract, probeRequest } from './fixtures/describeWireContract';
import { paddedPresign } from './fixtures/fuzzRequests';
import { NORMAL_PRESIGN, presignAndPut } from './fixtures/presignAndPut';
import { describeOutcome, errorBody, jsonPost, sendRaw, wire } from './fixtures/sendRaw';

// Express runs in this worker: a crash here would be an unhandled rejection or an uncaught
// exception, so both are collected and every case asserts there were none.
const BODY_TIMEOUT_MS = 1000;
const { bucket } = inject('minio');
const s3 = testS3();

const unhandled: string[] = [];
const onRejection = (reason: unknown) =>
  unhandled.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
const onException = (error: Error) => unhandled.push(`uncaught exception: ${error.stack}`);
process.on('unhandledRejection', onRejection);
process.on('uncaughtException', onException);

type User = { id: string };

function uploadHandler() {
  return createUploadHandler<User>({
    s3,
    bucket,
    secret: 'robustness-express-secret-of-at-least-32-bytes',
    authorize: (request) => {
      const id = request.headers.get('x-user');
      return id ? { id } : null;
    },
    bodyTimeoutMs: BODY_TIMEOUT_MS,
  });
}

function listen(app: Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** No crash so far, and a normal presign through `prefix` still answers 200. */
async function assertAlive(server: Server, prefix: string) {
  // A rejection surfaces a turn of the event loop after the promise settles.
  await sleep(20);
  expect(unhandled, 'unhandled rejections or uncaught exceptions').toEqual([]);
  const probe = await sendRaw(portOf(server), probeRequest(prefix));
  expect(describeOutcome(probe), 'a normal presign sent right after this case').toMatch(/^answered \[200\]/);
}

let documented: Server;
let withJsonParser: Server;

beforeAll(async () => {
  const handler = uploadHandler();
  const app = express();
  // As docs/backend.md shows it.
  app.post('/api/upload/*op', toNodeHandler(handler));
  // Every method reaches the handler here, as with http.createServer: the 405s are the handler's.
  app.all('/any/api/upload/*op', toNodeHandler(handler));
  documented = await listen(app);

  const parsed = express();
  parsed.use(express.json());
  parsed.post('/api/upload/*op', toNodeHandler(uploadHandler()));
  withJsonParser = await listen(parsed);
});

afterEach(() => {
  // One test's crash must not fail the next one too.
  unhandled.length = 0;
});

afterAll(async () => {
  for (const server of [documented, withJsonParser]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  s3.destroy();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

describe('named cases against an Express 5 app', () => {
  describeWireContract({
    prefix: '/api/upload',
    anyMethodPrefix: '/any/api/upload',
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    // Express answers `POST http://[::1/...` with its own 404: no route matches a target that is no URL.
    routerParsesTarget: true,
    port: () => portOf(documented),
    ready: async () => undefined,
    assertAlive: () => assertAlive(documented, '/api/upload'),
  });

  it.each(['GET', 'PUT', 'DELETE', 'TRACE', 'OPTIONS'])(
    "%s on the documented app.post mount gets Express's own answer (the handler never sees it), not a 5xx",
    async (method) => {
      const outcome = await sendRaw(portOf(documented), {
        parts: [wire(`${method} /api/upload/presign HTTP/1.1`, ['Host: 127.0.0.1', 'X-User: alice'])],
      });
      expect(outcome.ending).toBe('answered');
      expect(outcome.responses[0]!.status).toBeLessThan(500);
      await assertAlive(documented, '/api/upload');
    },
  );
});

describe('behind app.use(express.json())', () => {
  const port = () => portOf(withJsonParser);
  const post = (body: string, headers: Record<string, string> = {}) =>
    sendRaw(port(), { parts: [jsonPost('/api/upload/presign', body, { 'X-User': 'alice', ...headers })] });

  it('uses the body express.json() already parsed: a normal presign works and MinIO accepts the PUT', async () => {
    const result = await presignAndPut(`http://127.0.0.1:${port()}/api/upload`);
    expect(result).toMatchObject({ presignStatus: 200, putStatus: 200 });
    await assertAlive(withJsonParser, '/api/upload');
  });

  it('application/json; charset=utf-8 is parsed by express.json() and signed: 200', async () => {
    const outcome = await post(NORMAL_PRESIGN, { 'Content-Type': 'application/json; charset=utf-8' });
    expect(describeOutcome(outcome)).toMatch(/^answered \[200\]/);
    await assertAlive(withJsonParser, '/api/upload');
  });

  it('text/plain, which express.json() leaves alone, is still refused: 415', async () => {
    const outcome = await post(NORMAL_PRESIGN, { 'Content-Type': 'text/plain' });
    expect(outcome.responses[0]?.status).toBe(415);
    expect(errorBody(outcome.responses[0]!)?.code).toBe('unsupported-media-type');
    await assertAlive(withJsonParser, '/api/upload');
  });

  it('a JSON array, which express.json() accepts, is still not an object: 400', async () => {
    const outcome = await post('[]');
    expect(outcome.responses[0]?.status).toBe(400);
    expect(errorBody(outcome.responses[0]!)?.code).toBe('bad-request');
    await assertAlive(withJsonParser, '/api/upload');
  });

  it("a body over the handler's 64 KiB cap (but under express.json()'s 100 kB) is still refused: 413", async () => {
    const outcome = await post(paddedPresign(80 * 1024));
    expect(outcome.responses[0]?.status).toBe(413);
    await assertAlive(withJsonParser, '/api/upload');
  });

  it('afterwards a normal presign still works', async () => {
    const result = await presignAndPut(`http://127.0.0.1:${port()}/api/upload`);
    expect(result).toMatchObject({ presignStatus: 200, putStatus: 200 });
  });
});

describe('per-path middleware in front of the handler', () => {
  // An app that blocks one operation by path: with `basePath`, no other spelling reaches it.
  async function appBlockingPresign(basePath: string | undefined) {
    const app = express();
    app.use('/api/upload/presign', (_req, res) => void res.status(403).json({ blocked: true }));
    const handler = createUploadHandler<User>({
      s3,
      bucket,
      secret: 'robustness-express-secret-of-at-least-32-bytes',
      authorize: (request) => ({ id: request.headers.get('x-user') ?? 'alice' }),
      ...(basePath === undefined ? {} : { basePath }),
    });
    app.use('/api/upload', toNodeHandler(handler));
    return listen(app);
  }
  const statusOf = async (server: Server, path: string) =>
    (await sendRaw(portOf(server), { parts: [jsonPost(path, NORMAL_PRESIGN, { 'X-User': 'alice' })] }))
      .responses[0]?.status;

  it("with basePath '/api/upload': /api/upload/x/presign and /api/upload//presign → 404; the blocked path → 403", async () => {
    const server = await appBlockingPresign('/api/upload');
    try {
      expect(await statusOf(server, '/api/upload/presign')).toBe(403);
      expect(await statusOf(server, '/api/upload/x/presign')).toBe(404);
      expect(await statusOf(server, '/api/upload//presign')).toBe(404);
      expect(await statusOf(server, '/api/upload/presign/batch')).toBe(403);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('without basePath, any path ending in an operation is answered: what basePath is for', async () => {
    const server = await appBlockingPresign(undefined);
    try {
      expect(await statusOf(server, '/api/upload/presign')).toBe(403);
      expect(await statusOf(server, '/api/upload/x/presign')).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
