import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xhrTransport } from '../../src/backends/xhrTransport';
import { rejection } from '../helpers/rejection';
import { patternedFile, blobSha256 } from '../helpers/memoryStorage';

// jsdom's XHR makes real requests and enforces CORS, so these run against a real loopback
// server playing storage: bytes arrive, headers are checked, ETag visibility follows CORS.
type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const routes = new Map<string, Route>();
let server: Server;
let base: string;
const received = new Map<string, { sha256: string; headers: IncomingMessage['headers'] }>();

function cors(res: ServerResponse, exposeEtag: boolean) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'PUT');
  res.setHeader('Access-Control-Allow-Headers', 'content-type');
  if (exposeEtag) res.setHeader('Access-Control-Expose-Headers', 'ETag');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    const expose = !path.startsWith('/no-expose');
    if (req.method === 'OPTIONS') {
      cors(res, expose);
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      cors(res, expose);
      const route = routes.get(path);
      if (route) return route(req, res, body);
      received.set(path, { sha256: createHash('sha256').update(body).digest('hex'), headers: req.headers });
      res.setHeader('ETag', '"abc123"');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function put(path: string, body: Blob, overrides: Partial<Parameters<typeof xhrTransport>[0]> = {}) {
  const progress: number[] = [];
  const promise = xhrTransport({
    url: `${base}${path}`,
    method: 'PUT',
    headers: {},
    body,
    signal: new AbortController().signal,
    onProgress: (loaded) => progress.push(loaded),
    stallTimeoutMs: 5000,
    ...overrides,
  });
  return { promise, progress };
}

describe('xhrTransport against a loopback server', () => {
  it('PUTs the exact bytes with the signed headers and reads the exposed ETag', async () => {
    const file = patternedFile(256 * 1024, 'a.bin');
    const { promise, progress } = put('/ok', file, { headers: { 'Content-Type': 'image/png' } });
    const response = await promise;
    expect(response).toEqual({ status: 200, etag: '"abc123"' });
    expect(received.get('/ok')?.sha256).toBe(await blobSha256(file));
    expect(received.get('/ok')?.headers['content-type']).toBe('image/png');
    expect(progress.at(-1)).toBe(256 * 1024);
  });

  it('returns no ETag when CORS does not expose it', async () => {
    const { promise } = put('/no-expose/x', patternedFile(10));
    expect((await promise).etag).toBeUndefined();
  });

  it('maps an S3 "Request has expired" 403 to url-expired', async () => {
    routes.set('/expired', (_req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        ),
    );
    const error = await rejection(put('/expired', patternedFile(10)).promise);
    expect(error.code).toBe('url-expired');
    expect(error.status).toBe(403);
  });

  it('maps a 503 to a retryable storage-rejected error', async () => {
    routes.set('/busy', (_req, res) => res.writeHead(503).end('<Error><Code>SlowDown</Code></Error>'));
    const error = await rejection(put('/busy', patternedFile(10)).promise);
    expect(error).toMatchObject({ code: 'storage-rejected', status: 503 });
    expect(error.message).toContain('SlowDown');
  });

  it('aborts a request that makes no progress for stallTimeoutMs', async () => {
    routes.set('/hang', () => undefined);
    const started = Date.now();
    const error = await rejection(put('/hang', patternedFile(10), { stallTimeoutMs: 150 }).promise);
    expect(error.code).toBe('stalled');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects with aborted when its signal aborts', async () => {
    routes.set('/hang2', () => undefined);
    const controller = new AbortController();
    const { promise } = put('/hang2', patternedFile(10), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await rejection(promise)).code).toBe('aborted');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejection(
      xhrTransport({
        url: `http://127.0.0.1:${port}/x`,
        body: patternedFile(10),
        signal: new AbortController().signal,
        onProgress: () => undefined,
        stallTimeoutMs: 5000,
      }),
    );
    expect(error.code).toBe('network');
  });
});
