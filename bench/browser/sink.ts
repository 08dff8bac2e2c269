// A loopback stand-in for an app server and S3, for bench/browser: it speaks the upkit backend
// protocol (docs/protocol.md, plus the batch endpoints presign/batch and complete/batch), the
// signing endpoint Uppy 6's `signRequest` needs, and just enough S3 (PUT of objects and parts,
// multipart create / complete / abort / list-parts over XML) for all three contenders. Bytes are
// counted, never kept or hashed. App routes live under /api/ and storage under /s3/; the same
// handler listens on two ports so that, as in production, the browser keeps separate connection
// pools for the app and for storage (and both are cross-origin to the page).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const MiB = 1024 * 1024;

export interface SinkOptions {
  /** Delay before every app (control) call is answered, in ms; preflights are never delayed. */
  appDelayMs?: number;
  /** Every 5th storage PUT fails: a 500 and a cut socket, alternating. */
  faults?: boolean;
  /** Whether presign/batch and complete/batch exist (off: 404, to measure the one-file fallback). */
  batch?: boolean;
  /** Serve the app on the storage port instead of its own. */
  sameOriginApp?: boolean;
}

interface StoredObject {
  bytes: number;
  completed: boolean;
}

interface MultipartUpload {
  key: string;
  parts: Map<number, { bytes: number; etag: string }>;
  /** Bytes of the parts listed at completion, once completed. */
  completedBytes: number | undefined;
  aborted: boolean;
}

export interface SinkStats {
  appCalls: Record<string, number>;
  appCallsTotal: number;
  puts: number;
  failedPuts: number;
  preflights: number;
  bytesReceived: number;
  /** Time-weighted mean of PUTs in flight, from the first PUT's start to the last one's end. */
  meanPutsInFlight: number;
  maxPutsInFlight: number;
}

export interface Verification {
  expected: number;
  verified: number;
  /** Up to 5 names that did not verify, for the log. */
  missing: string[];
}

export interface Sink {
  appUrl: string;
  storageUrl: string;
  setOptions(options: SinkOptions): void;
  reset(): void;
  stats(): SinkStats;
  /** Checks every expected file arrived whole: its object (or completed multipart upload) holds exactly `size` bytes and the app was told. */
  verify(files: ReadonlyArray<{ name: string; size: number }>): Verification;
  close(): Promise<void>;
}

const nameOf = (key: string) => key.slice(key.lastIndexOf('/') + 1);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Counts a request body's bytes without keeping them; resolves with the count, or undefined if cut. */
function countBody(req: IncomingMessage): Promise<number | undefined> {
  return new Promise((resolve) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => resolve(bytes));
    req.on('error', () => resolve(undefined));
    req.on('aborted', () => resolve(undefined));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSink(initial: SinkOptions = {}): Promise<Sink> {
  let options: Required<SinkOptions> = {
    appDelayMs: 0,
    faults: false,
    batch: true,
    sameOriginApp: false,
    ...initial,
  };
  let objects = new Map<string, StoredObject>();
  let uploads = new Map<string, MultipartUpload>();
  let appCalls: Record<string, number> = {};
  let puts = 0;
  let failedPuts = 0;
  let preflights = 0;
  let bytesReceived = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let inFlightArea = 0;
  let lastChange = 0;
  let firstPutAt: number | undefined;
  let lastPutEndAt = 0;
  let seq = 0;
  const sockets = new Set<Socket>();

  function reset(): void {
    objects = new Map();
    uploads = new Map();
    appCalls = {};
    puts = failedPuts = preflights = bytesReceived = 0;
    inFlight = maxInFlight = inFlightArea = lastChange = lastPutEndAt = 0;
    firstPutAt = undefined;
  }

  function changeInFlight(delta: number): void {
    const now = performance.now();
    if (inFlight > 0) inFlightArea += inFlight * (now - lastChange);
    lastChange = now;
    inFlight += delta;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (delta > 0) firstPutAt ??= now;
    else lastPutEndAt = now;
  }

  let storageUrl = '';
  const expiresAt = () => new Date(Date.now() + 3600_000).toISOString();
  const newKey = (name: string) => `k/${(++seq).toString(36)}/${name}`;

  function cors(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, DELETE');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'content-type, accept, content-disposition, x-amz-checksum-sha256, authorization',
    );
    res.setHeader('Access-Control-Expose-Headers', 'ETag, Retry-After');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  function json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function xml(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  // ---- the app: upkit's protocol ----------------------------------------------------------

  type Json = Record<string, unknown>;
  interface Answer {
    status: number;
    body: unknown;
  }
  const error = (status: number, code: string, message: string): Answer => ({
    status,
    body: { error: { code, message } },
  });

  function presign(body: Json): Answer {
    const file = body.file as { name?: unknown; size?: unknown; type?: unknown } | undefined;
    if (typeof file?.name !== 'string' || typeof file.size !== 'number') {
      return error(400, 'bad-request', 'file.name and file.size are required');
    }
    const resign = body.resign as { key?: unknown } | undefined;
    const key = typeof resign?.key === 'string' ? resign.key : newKey(file.name);
    const headers: Record<string, string> = {
      'Content-Type': typeof file.type === 'string' && file.type ? file.type : 'application/octet-stream',
    };
    if (typeof body.checksum === 'string') headers['x-amz-checksum-sha256'] = body.checksum;
    return {
      status: 200,
      body: {
        url: `${storageUrl}/s3/${key}`,
        method: 'PUT',
        headers,
        key,
        token: `t.${key}`,
        expiresAt: expiresAt(),
      },
    };
  }

  function complete(body: Json): Answer {
    const key = body.key;
    if (typeof key !== 'string') return error(400, 'bad-request', 'key is required');
    const object = objects.get(key);
    if (!object) return error(404, 'not-found', `nothing was stored under ${key}`);
    object.completed = true;
    return { status: 200, body: { key, size: object.bytes } };
  }

  function uploadOf(body: Json): MultipartUpload | undefined {
    const upload = typeof body.uploadId === 'string' ? uploads.get(body.uploadId) : undefined;
    return upload && !upload.aborted ? upload : undefined;
  }

  function createMultipart(key: string): string {
    const uploadId = `u${(++seq).toString(36)}`;
    uploads.set(uploadId, { key, parts: new Map(), completedBytes: undefined, aborted: false });
    return uploadId;
  }

  function partUrl(upload: { key: string }, uploadId: string, partNumber: number): string {
    return `${storageUrl}/s3/${upload.key}?partNumber=${partNumber}&uploadId=${uploadId}`;
  }

  function app(path: string, body: Json): Answer {
    switch (path) {
      case 'presign':
        return presign(body);
      case 'complete':
        return complete(body);
      case 'presign/batch':
      case 'complete/batch': {
        if (!options.batch) return error(404, 'not-found', 'no batch endpoints here');
        const list = path === 'presign/batch' ? body.files : body.uploads;
        // docs/protocol.md: 1 to 100 entries.
        if (!Array.isArray(list) || list.length === 0) return error(400, 'bad-request', 'a list is required');
        if (list.length > 100) return error(413, 'batch-too-large', 'at most 100 entries per batch');
        const each = path === 'presign/batch' ? presign : complete;
        return { status: 200, body: { results: list.map((entry) => each(entry as Json)) } };
      }
      case 'multipart/create': {
        const file = body.file as { name?: unknown } | undefined;
        if (typeof file?.name !== 'string') return error(400, 'bad-request', 'file.name is required');
        const key = newKey(file.name);
        const uploadId = createMultipart(key);
        const partSize = Math.max(5 * MiB, Number(body.partSize) || 8 * MiB);
        return {
          status: 200,
          body: {
            uploadId,
            key,
            token: `t.${uploadId}`,
            partSize,
            ...(body.checksumAlgorithm === 'SHA256' ? { checksumAlgorithm: 'SHA256' } : {}),
          },
        };
      }
      case 'multipart/sign-parts': {
        const upload = uploadOf(body);
        if (!upload) return error(404, 'not-found', 'no such upload');
        const numbers = Array.isArray(body.partNumbers) ? (body.partNumbers as number[]) : [];
        const checksums = (body.checksums ?? {}) as Record<string, string>;
        return {
          status: 200,
          body: {
            parts: numbers.map((partNumber) => ({
              partNumber,
              url: partUrl(upload, body.uploadId as string, partNumber),
              expiresAt: expiresAt(),
              ...(checksums[partNumber]
                ? { headers: { 'x-amz-checksum-sha256': checksums[partNumber] } }
                : {}),
            })),
          },
        };
      }
      case 'multipart/list-parts': {
        const upload = uploadOf(body);
        if (!upload) return error(404, 'not-found', 'no such upload');
        return {
          status: 200,
          body: {
            parts: [...upload.parts].map(([partNumber, part]) => ({
              partNumber,
              etag: part.etag,
              size: part.bytes,
            })),
          },
        };
      }
      case 'multipart/complete': {
        const upload = uploadOf(body);
        if (!upload) return error(404, 'not-found', 'no such upload');
        return completeMultipart(upload, (body.parts as Array<{ partNumber: number; etag: string }>) ?? []);
      }
      case 'multipart/abort': {
        const upload = typeof body.uploadId === 'string' ? uploads.get(body.uploadId) : undefined;
        if (upload) upload.aborted = true;
        return { status: 200, body: {} };
      }
      case 's3/sign':
        return signForUppy(body);
      default:
        return error(404, 'not-found', `no endpoint ${path}`);
    }
  }

  function completeMultipart(
    upload: MultipartUpload,
    listed: Array<{ partNumber: number; etag: string }>,
  ): Answer {
    let bytes = 0;
    for (const { partNumber, etag } of listed) {
      const part = upload.parts.get(partNumber);
      if (!part || part.etag.replaceAll('"', '') !== String(etag).replaceAll('"', '')) {
        return error(400, 'invalid-part', `part ${partNumber} is not stored with that ETag`);
      }
      bytes += part.bytes;
    }
    upload.completedBytes = bytes;
    return { status: 200, body: { key: upload.key, size: bytes } };
  }

  /** Uppy 6's `signRequest`: one S3 request (PutObject, multipart calls, parts) in, its URL out. */
  function signForUppy(body: Json): Answer {
    const key = body.key;
    if (typeof key !== 'string') return error(400, 'bad-request', 'key is required');
    const base = `${storageUrl}/s3/${key}`;
    const uploadId = typeof body.uploadId === 'string' ? body.uploadId : undefined;
    if (!uploadId) return { status: 200, body: { url: body.method === 'POST' ? `${base}?uploads` : base } };
    if (typeof body.partNumber === 'number')
      return { status: 200, body: { url: partUrl({ key }, uploadId, body.partNumber) } };
    return { status: 200, body: { url: `${base}?uploadId=${uploadId}` } };
  }

  // ---- storage: just enough S3 ------------------------------------------------------------

  async function storage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const key = decodeURIComponent(url.pathname.slice('/s3/'.length));
    const uploadId = url.searchParams.get('uploadId');
    if (req.method === 'PUT') return put(req, res, key, uploadId, url.searchParams.get('partNumber'));
    // The S3 multipart calls Uppy sends to storage itself.
    if (req.method === 'POST' && url.searchParams.has('uploads')) {
      await readBody(req);
      const id = createMultipart(key);
      return xml(
        res,
        200,
        `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>bench</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    const upload = uploadId ? uploads.get(uploadId) : undefined;
    if (!upload || upload.aborted) {
      await readBody(req);
      return xml(res, 404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
    }
    if (req.method === 'POST') {
      const text = await readBody(req);
      const listed = [...text.matchAll(/<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]*)<\/ETag>/g)].map(
        (m) => ({
          partNumber: Number(m[1]),
          etag: (m[2] ?? '').replaceAll('&quot;', ''),
        }),
      );
      const answer = completeMultipart(upload, listed);
      if (answer.status !== 200) {
        return xml(res, 400, '<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>');
      }
      return xml(
        res,
        200,
        `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>${storageUrl}/s3/${key}</Location><Bucket>bench</Bucket><Key>${key}</Key><ETag>"m${seq}"</ETag></CompleteMultipartUploadResult>`,
      );
    }
    if (req.method === 'DELETE') {
      upload.aborted = true;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET') {
      const parts = [...upload.parts]
        .map(
          ([n, p]) =>
            `<Part><PartNumber>${n}</PartNumber><ETag>${p.etag}</ETag><Size>${p.bytes}</Size></Part>`,
        )
        .join('');
      return xml(res, 200, `<ListPartsResult><UploadId>${uploadId}</UploadId>${parts}</ListPartsResult>`);
    }
    res.writeHead(405).end();
  }

  async function put(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    uploadId: string | null,
    partNumber: string | null,
  ): Promise<void> {
    puts++;
    const upload = uploadId ? uploads.get(uploadId) : undefined;
    if (uploadId && (!upload || upload.aborted || !partNumber)) {
      await readBody(req);
      return xml(res, 404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
    }
    if (options.faults && puts % 5 === 0) {
      failedPuts++;
      // Alternating: a cut socket, then a 500 (after the body, as storage answers).
      if ((puts / 5) % 2 === 1) {
        req.socket.destroy();
        return;
      }
      await countBody(req);
      res.writeHead(500, { 'content-type': 'application/xml', connection: 'close' });
      res.end('<Error><Code>InternalError</Code><Message>injected fault</Message></Error>');
      return;
    }
    changeInFlight(1);
    let counted = false;
    const done = () => {
      if (counted) return;
      counted = true;
      changeInFlight(-1);
    };
    res.on('close', done);
    const bytes = await countBody(req);
    if (bytes === undefined) return done();
    bytesReceived += bytes;
    const etag = `"${(++seq).toString(16).padStart(8, '0')}"`;
    if (upload && partNumber) upload.parts.set(Number(partNumber), { bytes, etag });
    else objects.set(key, { bytes, completed: false });
    res.writeHead(200, { etag, 'content-length': 0 });
    res.end();
  }

  // ---- server ----------------------------------------------------------------------------

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sink');
    cors(req, res);
    if (req.method === 'OPTIONS') {
      preflights++;
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/s3/')) return storage(req, res, url);
    if (url.pathname.startsWith('/api/') && req.method === 'POST') {
      const path = url.pathname.slice('/api/'.length);
      const text = await readBody(req);
      appCalls[path] = (appCalls[path] ?? 0) + 1;
      let body: Json;
      try {
        body = JSON.parse(text) as Json;
      } catch {
        return json(res, 400, { error: { code: 'bad-request', message: 'body is not JSON' } });
      }
      if (options.appDelayMs > 0) await sleep(options.appDelayMs);
      const answer = app(path, body);
      return json(res, answer.status, answer.body);
    }
    res.writeHead(404).end();
  }

  function listen(): Promise<Server> {
    const server = createServer((req, res) => {
      handle(req, res).catch((err: unknown) => {
        console.error('sink:', err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 60_000;
    server.requestTimeout = 0;
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  const storageServer = await listen();
  const appServer = options.sameOriginApp ? storageServer : await listen();
  const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  storageUrl = urlOf(storageServer);

  return {
    appUrl: `${urlOf(appServer)}/api`,
    storageUrl,
    setOptions(next) {
      options = { ...options, ...next };
    },
    reset,
    stats() {
      const span = lastPutEndAt - (firstPutAt ?? lastPutEndAt);
      return {
        appCalls: { ...appCalls },
        appCallsTotal: Object.values(appCalls).reduce((a, b) => a + b, 0),
        puts,
        failedPuts,
        preflights,
        bytesReceived,
        meanPutsInFlight: span > 0 ? inFlightArea / span : 0,
        maxPutsInFlight: maxInFlight,
      };
    },
    verify(files) {
      const whole = new Map<string, number>();
      for (const [key, object] of objects) {
        if (object.completed) whole.set(nameOf(key), object.bytes);
      }
      for (const upload of uploads.values()) {
        if (upload.completedBytes !== undefined) whole.set(nameOf(upload.key), upload.completedBytes);
      }
      const missing = files.filter((file) => whole.get(file.name) !== file.size).map((file) => file.name);
      return {
        expected: files.length,
        verified: files.length - missing.length,
        missing: missing.slice(0, 5),
      };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      const servers = appServer === storageServer ? [storageServer] : [storageServer, appServer];
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
