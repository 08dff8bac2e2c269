import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { choosePartSize } from '../core/chunkPlan.js';

/** Knobs of {@link createUploadMocks}. */
export interface UploadMocksOptions {
  /**
   * Where the protocol endpoints are mocked: the `endpoint` your hooks use. A relative path is
   * resolved against `location.origin` in browsers.
   * @default '/api/upload'
   */
  endpoint?: string;
  /**
   * Base URL of the fake storage the presigned URLs point to.
   * @default 'https://storage.upkit.test/bucket'
   */
  storageUrl?: string;
  /**
   * Delay added to every control call, in ms.
   * @default 0
   */
  latencyMs?: number;
  /**
   * Simulated upload speed of storage PUTs in bytes per second (the response waits
   * `size / bytesPerSecond`); `Infinity` answers at once. MSW cannot show progress events
   * during a PUT: with it the UI sees the wait, then 100 %.
   * @default Infinity
   */
  bytesPerSecond?: number;
  /**
   * Share of storage PUTs answered `503 SlowDown`, from 0 to 1 (upkit retries them).
   * @default 0
   */
  failureRate?: number;
  /**
   * Lifetime of the presigned URLs in seconds; a PUT after it gets S3's
   * `403 AccessDenied "Request has expired"` (upkit re-signs).
   * @default 900
   */
  urlExpiresIn?: number;
  /**
   * `false` leaves the `ETag` header out of PUT responses, as a bucket whose CORS rule does not
   * expose it looks to the browser (multipart then fails with `missing-etag`).
   * @default true
   */
  exposeEtag?: boolean;
  /**
   * Largest file the fake backend accepts, in bytes (413 above).
   * @default no limit
   */
  maxFileSize?: number;
  /**
   * `false` leaves out `presign/batch` and `complete/batch`: they answer 404 like any unknown
   * path, as a backend with only the seven one-file endpoints does (the client then falls back
   * to one-file calls).
   * @default true
   */
  batchEndpoints?: boolean;
  /**
   * Most entries in one batch call; a larger batch gets `413 batch-too-large`, as from
   * `upkit/server`'s `maxBatchSize`.
   * @default 100
   */
  maxBatchSize?: number;
  /**
   * Sees every control call once it is recorded in `requests`, before the mocks answer it. Return
   * a response to send it instead, as your server would refuse the call (a 403 for a token it no
   * longer honours, a 415 for content it will not keep): the error body of docs/protocol.md is
   * `HttpResponse.json({ error: { code, message } }, { status })`, and `HttpResponse.error()` is a
   * connection that drops. Return nothing to let the mocks answer. Each entry of a batch call is
   * seen on its own, as the one-file call it stands for (with `batch` set): the response becomes
   * that entry's result, and `HttpResponse.error()` drops the whole batch call.
   * @default none: the mocks answer every call
   */
  onControl?: (request: MockedRequest) => Response | undefined | Promise<Response | undefined>;
  /**
   * Sees every storage PUT before the mocks look at it. Return a response to send it instead
   * (`503 SlowDown` with `Retry-After`, `HttpResponse.error()` for a dropped connection); return
   * nothing to let the mocks store the bytes. A promise holds the PUT's answer until it settles:
   * the browser sees no response meanwhile, as from a stalled connection. The mocks read the
   * body afterwards: read a `request.clone()` instead.
   * @default none: the mocks answer every PUT
   */
  onStorage?: (request: Request) => Response | undefined | Promise<Response | undefined>;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
}

/** A control call the mocks received, for assertions. */
export interface MockedRequest {
  /**
   * `presign`, `complete`, `multipart/create`, ... An entry of a batch call has its one-file
   * path (`presign` for an entry of `presign/batch`); a batch refused whole (malformed, too many
   * entries) or sent while `batchEndpoints` is `false` has the batch's own.
   */
  path: string;
  /** The call's JSON body; for an entry of a batch, that entry. */
  body: Record<string, unknown>;
  /**
   * Set on the entries of a batch call: which batch call carried it (counted from 1 since the
   * mocks were created or reset) and its position in that call.
   */
  batch?: { call: number; index: number };
}

interface MockUpload {
  key: string;
  type: string;
  /** Opened for SHA-256 part checksums, as `upkit/server` does when the client asks. */
  checksummed: boolean;
  parts: Map<number, { etag: string; bytes: Uint8Array; checksum?: string }>;
}

/** The in-memory state behind the mocks, for assertions and resets. */
export interface UploadMocks {
  /** Pass to `setupServer(...)`, `setupWorker(...)` or Storybook's `parameters.msw.handlers`. */
  handlers: HttpHandler[];
  /** Completed objects by key: the bytes that "landed". */
  objects: Map<string, Uint8Array>;
  /** Open multipart uploads by uploadId. */
  uploads: Map<string, MockUpload>;
  /** Every control call, in order. */
  requests: MockedRequest[];
  /** Forgets every object, upload and request. */
  reset(): void;
}

function absolute(url: string): string {
  if (/^[a-z]+:\/\//i.test(url)) return url.replace(/\/+$/, '');
  const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  return `${origin}${url.startsWith('/') ? '' : '/'}${url}`.replace(/\/+$/, '');
}

async function sha256Base64(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return btoa(String.fromCharCode(...digest));
}

async function etagOf(bytes: Uint8Array): Promise<string> {
  // S3's ETag is an MD5, which Web Crypto lacks; a truncated SHA-256 has the same shape.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `"${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

const s3Error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  new HttpResponse(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    {
      status,
      headers: { 'content-type': 'application/xml', ...headers },
    },
  );

const apiError = (status: number, code: string, message: string) =>
  HttpResponse.json({ error: { code, message } }, { status });

const BATCHES: Record<string, { single: string; field: string } | undefined> = {
  'presign/batch': { single: 'presign', field: 'files' },
  'complete/batch': { single: 'complete', field: 'uploads' },
};

/** The entries of a batch call, or the answer that refuses it whole. */
function batchEntries(
  body: Record<string, unknown> | null,
  field: string,
  max: number,
): unknown[] | Response {
  const entries = body?.[field];
  if (!Array.isArray(entries) || entries.length === 0) {
    return apiError(400, 'bad-request', `"${field}" must be a non-empty array of request bodies.`);
  }
  if (entries.length > max) {
    return apiError(
      413,
      'batch-too-large',
      `A batch holds at most ${max} files; this one has ${entries.length}. Send the others in another batch.`,
    );
  }
  return entries;
}

/** A one-file answer as a batch entry's `{ status, body, retryAfter? }`. */
async function batchResult(response: Response) {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the entry gets no body, as a one-file answer the client could not read.
  }
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    body,
    ...((response.status === 429 || response.status === 503) && retryAfter && /^\d+$/.test(retryAfter)
      ? { retryAfter: Number(retryAfter) }
      : {}),
  };
}

/**
 * MSW handlers that play both sides of an upload in memory: the app's backend (the nine
 * endpoints of docs/protocol.md) and S3's presigned PUTs, keeping the real bytes. For stories,
 * component tests and your own app's tests; no server, no bucket.
 *
 * @example
 * const mocks = createUploadMocks({ bytesPerSecond: 2_000_000, failureRate: 0.1 })
 * const server = setupServer(...mocks.handlers) // or setupWorker in the browser
 */
export function createUploadMocks(options: UploadMocksOptions = {}): UploadMocks {
  const api = absolute(options.endpoint ?? '/api/upload');
  const storage = absolute(options.storageUrl ?? 'https://storage.upkit.test/bucket');
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const expiresIn = options.urlExpiresIn ?? 900;
  const objects = new Map<string, Uint8Array>();
  const uploads = new Map<string, MockUpload>();
  const requests: MockedRequest[] = [];
  const maxBatchSize = options.maxBatchSize ?? 100;
  let counter = 0;
  let batchCalls = 0;

  const signedUrl = (key: string, extra: Record<string, string> = {}) => {
    const expiresAt = now() + expiresIn * 1000;
    const url = new URL(`${storage}/${key.split('/').map(encodeURIComponent).join('/')}`);
    url.searchParams.set('X-Amz-Expires-At', String(expiresAt));
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    return { url: url.toString(), expiresAt };
  };

  const keyFor = (name: string) => {
    const extension = /\.([A-Za-z0-9]{1,12})$/.exec(name)?.[1]?.toLowerCase();
    return `uploads/mock/${++counter}${extension ? `.${extension}` : ''}`;
  };

  function describeFile(body: Record<string, unknown>) {
    const file = body.file as { name?: unknown; size?: unknown; type?: unknown } | undefined;
    if (!file || typeof file.name !== 'string' || typeof file.size !== 'number') return undefined;
    return { name: file.name, size: file.size, type: typeof file.type === 'string' ? file.type : '' };
  }

  async function control(path: string, body: Record<string, unknown>): Promise<Response> {
    switch (path) {
      case 'presign':
      case 'multipart/create': {
        const file = describeFile(body);
        if (!file) return apiError(400, 'bad-request', '"file" must have a name, size and type.');
        if (options.maxFileSize !== undefined && file.size > options.maxFileSize) {
          return apiError(
            413,
            'file-too-large',
            `"${file.name}" is over the ${options.maxFileSize}-byte limit.`,
          );
        }
        const type = file.type || 'application/octet-stream';
        if (path === 'presign') {
          // A URL signed again (the first expired) keeps its key, as upkit/server does.
          const resign = body.resign as { key?: unknown; token?: unknown } | undefined;
          const key =
            typeof resign?.key === 'string' && resign.token === `mock:${resign.key}`
              ? resign.key
              : keyFor(file.name);
          const { url, expiresAt } = signedUrl(key);
          return HttpResponse.json({
            url,
            method: 'PUT',
            headers: { 'Content-Type': type },
            key,
            expiresAt,
            token: `mock:${key}`,
          });
        }
        const key = keyFor(file.name);
        const uploadId = `mock-upload-${counter}`;
        const checksummed = body.checksumAlgorithm === 'SHA256';
        uploads.set(uploadId, { key, type, checksummed, parts: new Map() });
        // As upkit/server does: the part size the client asked for, within S3's rules.
        const wished = typeof body.partSize === 'number' ? body.partSize : undefined;
        const partSize = choosePartSize(file.size, wished);
        return HttpResponse.json({
          uploadId,
          key,
          token: `mock:${uploadId}`,
          partSize,
          ...(checksummed ? { checksumAlgorithm: 'SHA256' } : {}),
        });
      }
      case 'complete': {
        const key = body.key;
        if (typeof key !== 'string' || !objects.has(key)) {
          return apiError(404, 'not-found', 'No uploaded file was found. Upload it again.');
        }
        return HttpResponse.json({ key, size: objects.get(key)?.length ?? 0 });
      }
      case 'multipart/sign-parts': {
        const upload = uploads.get(String(body.uploadId));
        if (!upload) return apiError(404, 'not-found', 'This upload no longer exists. Start it again.');
        const numbers = Array.isArray(body.partNumbers) ? (body.partNumbers as number[]) : [];
        const checksums = (body.checksums ?? {}) as Record<string, string | undefined>;
        return HttpResponse.json({
          parts: numbers.map((partNumber) => {
            const checksum = checksums[partNumber];
            // The checksum rides in the URL as a stand-in for its signature over the header.
            const signed = { uploadId: String(body.uploadId), partNumber: String(partNumber) };
            return {
              partNumber,
              ...signedUrl(upload.key, checksum ? { ...signed, 'x-amz-checksum-sha256': checksum } : signed),
              ...(checksum ? { headers: { 'x-amz-checksum-sha256': checksum } } : {}),
            };
          }),
        });
      }
      case 'multipart/list-parts': {
        const upload = uploads.get(String(body.uploadId));
        if (!upload) return apiError(404, 'not-found', 'This upload no longer exists. Start it again.');
        return HttpResponse.json({
          parts: [...upload.parts].map(([partNumber, part]) => ({
            partNumber,
            etag: part.etag,
            size: part.bytes.length,
            ...(part.checksum ? { checksum: part.checksum } : {}),
          })),
        });
      }
      case 'multipart/complete': {
        const upload = uploads.get(String(body.uploadId));
        if (!upload) return apiError(404, 'not-found', 'This upload no longer exists. Start it again.');
        const listed = Array.isArray(body.parts)
          ? (body.parts as Array<{ partNumber: number; etag: string; checksum?: string }>)
          : [];
        const chunks: Uint8Array[] = [];
        for (const { partNumber, etag, checksum } of [...listed].sort(
          (a, b) => a.partNumber - b.partNumber,
        )) {
          const part = upload.parts.get(partNumber);
          if (!part || part.etag !== etag || (upload.checksummed && part.checksum !== checksum)) {
            return apiError(
              400,
              'bad-request',
              `Part ${partNumber} is missing or its ETag or checksum does not match.`,
            );
          }
          chunks.push(part.bytes);
        }
        const object = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
        let offset = 0;
        for (const chunk of chunks) {
          object.set(chunk, offset);
          offset += chunk.length;
        }
        objects.set(upload.key, object);
        uploads.delete(String(body.uploadId));
        return HttpResponse.json({ key: upload.key, size: object.length });
      }
      case 'multipart/abort':
        uploads.delete(String(body.uploadId));
        return new HttpResponse(null, { status: 204 });
      default:
        return apiError(404, 'not-found', 'Unknown upload endpoint.');
    }
  }

  /** A batch call: each entry recorded and answered as its one-file call; one latency for all. */
  async function answerBatch(single: string, entries: unknown[]): Promise<Response> {
    const call = ++batchCalls;
    const received = entries.map((entry, index): MockedRequest | undefined =>
      typeof entry === 'object' && entry !== null && !Array.isArray(entry)
        ? { path: single, body: entry as Record<string, unknown>, batch: { call, index } }
        : undefined,
    );
    for (const entry of received) if (entry) requests.push(entry);
    if (options.latencyMs) await delay(options.latencyMs);
    const results = [];
    for (const entry of received) {
      const response = entry
        ? ((await options.onControl?.(entry)) ?? (await control(entry.path, entry.body)))
        : apiError(400, 'bad-request', 'The request body must be a JSON object.');
      // A dropped connection drops the whole call.
      if (response.type === 'error') return HttpResponse.error();
      results.push(await batchResult(response));
    }
    return HttpResponse.json({ results });
  }

  const handlers: HttpHandler[] = [
    http.post(`${api}/*`, async ({ request }) => {
      const path = new URL(request.url).pathname.slice(new URL(api).pathname.length + 1);
      let body: Record<string, unknown>;
      try {
        body = (await request.json()) as Record<string, unknown>;
      } catch {
        return apiError(400, 'bad-request', 'The request body must be JSON.');
      }
      const batch = options.batchEndpoints === false ? undefined : BATCHES[path];
      const entries = batch ? batchEntries(body, batch.field, maxBatchSize) : undefined;
      if (batch && Array.isArray(entries)) return answerBatch(batch.single, entries);
      const received = { path, body };
      requests.push(received);
      if (options.latencyMs) await delay(options.latencyMs);
      const refusal = entries instanceof Response ? entries : undefined;
      return (await options.onControl?.(received)) ?? refusal ?? control(path, body);
    }),
    http.put(`${storage}/*`, async ({ request }) => {
      const answer = await options.onStorage?.(request);
      if (answer) return answer;
      const url = new URL(request.url);
      if (now() > Number(url.searchParams.get('X-Amz-Expires-At'))) {
        return s3Error(403, 'AccessDenied', 'Request has expired');
      }
      if (options.failureRate && random() < options.failureRate) {
        return s3Error(503, 'SlowDown', 'Please reduce your request rate.', { 'retry-after': '0' });
      }
      const bytes = new Uint8Array(await request.arrayBuffer());
      if (options.bytesPerSecond && Number.isFinite(options.bytesPerSecond)) {
        await delay(Math.round((bytes.length / options.bytesPerSecond) * 1000));
      }
      const etag = await etagOf(bytes);
      const uploadId = url.searchParams.get('uploadId');
      if (uploadId) {
        const upload = uploads.get(uploadId);
        if (!upload) return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
        // As S3 does: the signed checksum header must be sent, and match the body.
        const signed = url.searchParams.get('x-amz-checksum-sha256');
        const sent = request.headers.get('x-amz-checksum-sha256');
        if (signed !== sent) {
          return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match.');
        }
        if (upload.checksummed && !sent) {
          return s3Error(400, 'InvalidRequest', 'This upload requires a checksum for every part.');
        }
        if (sent && sent !== (await sha256Base64(bytes))) {
          return s3Error(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
        }
        upload.parts.set(Number(url.searchParams.get('partNumber')), {
          etag,
          bytes,
          ...(sent ? { checksum: sent } : {}),
        });
      } else {
        const key = url.pathname
          .slice(new URL(storage).pathname.length + 1)
          .split('/')
          .map(decodeURIComponent)
          .join('/');
        objects.set(key, bytes);
      }
      return new HttpResponse(null, {
        status: 200,
        headers: options.exposeEtag === false ? {} : { ETag: etag },
      });
    }),
  ];

  return {
    handlers,
    objects,
    uploads,
    requests,
    reset() {
      objects.clear();
      uploads.clear();
      requests.length = 0;
      counter = 0;
      batchCalls = 0;
    },
  };
}
