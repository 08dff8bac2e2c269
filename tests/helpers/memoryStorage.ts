import { createHash } from 'node:crypto';
import { createUploadEngine, type UploadEngineOptions } from '../../src/core/createUploadEngine';
import { UploadError } from '../../src/core/errors';
import { storageError } from '../../src/core/storageError';
import type {
  CompleteSingleInput,
  MultipartUploadBackend,
  PresignRequest,
  RequestContext,
  SingleUploadBackend,
  Transport,
  TransportRequest,
  TransportResponse,
} from '../../src/core/types';

export interface StoredResult {
  key: string;
  size: number;
}

type Override = (
  request: TransportRequest,
  attempt: number,
) => Promise<TransportResponse | undefined> | TransportResponse | undefined;

/**
 * An in-memory S3 look-alike for engine tests: presigned URLs carry the key (and part number),
 * PUTs store real bytes, multipart complete concatenates the parts in order and checks ETags.
 */
export function createMemoryStorage(options: { urlTtlMs?: number; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const objects = new Map<string, Uint8Array>();
  const uploads = new Map<
    string,
    {
      key: string;
      checksummed: boolean;
      parts: Map<number, { etag: string; bytes: Uint8Array; checksum?: string }>;
    }
  >();
  const calls: string[] = [];
  const puts: string[] = [];
  let override: Override | undefined;
  let putCount = 0;
  let nextUpload = 0;
  let nextKey = 0;

  const md5 = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;
  const sha256Base64 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');
  const expiresAt = () => (options.urlTtlMs === undefined ? undefined : now() + options.urlTtlMs);

  const transport: Transport = async (request) => {
    const attempt = putCount++;
    puts.push(request.url);
    const custom = await override?.(request, attempt);
    if (custom) return custom;
    if (request.signal.aborted) throw new UploadError('aborted', 'aborted');
    const url = new URL(request.url);
    const expires = Number(url.searchParams.get('expires'));
    if (expires && now() > expires) {
      throw storageError(
        403,
        '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        null,
      );
    }
    const bytes = await bytesOf(request.body);
    request.onProgress(Math.floor(bytes.length / 2));
    request.onProgress(bytes.length);
    const key = decodeURIComponent(url.pathname.slice(1));
    const uploadId = url.searchParams.get('uploadId');
    if (uploadId) {
      const upload = uploads.get(uploadId);
      if (!upload) throw storageError(404, '<Error><Code>NoSuchUpload</Code></Error>', null);
      // As S3 does with a signed x-amz-checksum-sha256: the header must be the signed one, and
      // match the body.
      const checksum = request.headers?.['x-amz-checksum-sha256'];
      if (checksum !== (url.searchParams.get('checksum') ?? undefined)) {
        throw storageError(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>', null);
      }
      if (upload.checksummed && checksum !== sha256Base64(bytes)) {
        throw storageError(400, '<Error><Code>BadDigest</Code></Error>', null);
      }
      const etag = md5(bytes);
      upload.parts.set(Number(url.searchParams.get('partNumber')), {
        etag,
        bytes,
        ...(checksum ? { checksum } : {}),
      });
      return { status: 200, etag };
    }
    objects.set(key, bytes);
    return { status: 200, etag: md5(bytes) };
  };

  const urlFor = (key: string, extra: Record<string, string> = {}) => {
    const url = new URL(`https://bucket.test/${encodeURIComponent(key)}`);
    const exp = expiresAt();
    if (exp !== undefined) url.searchParams.set('expires', String(exp));
    for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
    return { url: url.toString(), ...(exp === undefined ? {} : { expiresAt: exp }) };
  };

  const backend: SingleUploadBackend<StoredResult> & MultipartUploadBackend<StoredResult> = {
    async presign(file, _ctx, options) {
      calls.push('presign');
      // A URL signed again keeps its key, as upkit/server does.
      const key = options?.resign?.key ?? `uploads/${nextKey++}-${file.name}`;
      return { ...urlFor(key), key, headers: { 'Content-Type': file.type || 'application/octet-stream' } };
    },
    async complete({ key }) {
      calls.push('complete');
      const object = objects.get(key);
      if (!object) throw new UploadError('backend-error', `no object at ${key}`, { status: 404 });
      return { key, size: object.length };
    },
    async createMultipart(file, _ctx, plan) {
      calls.push('createMultipart');
      const uploadId = `mpu-${nextUpload++}`;
      const key = `uploads/${nextKey++}-${file.name}`;
      const checksummed = plan?.checksumAlgorithm === 'SHA256';
      uploads.set(uploadId, { key, checksummed, parts: new Map() });
      return {
        uploadId,
        key,
        token: `token-${uploadId}`,
        ...(checksummed ? { checksumAlgorithm: 'SHA256' as const } : {}),
      };
    },
    async signParts({ uploadId, key, partNumbers, checksums }) {
      calls.push(`signParts:${partNumbers.join(',')}`);
      return partNumbers.map((partNumber) => {
        const checksum = checksums?.[partNumber];
        const signed = { uploadId, partNumber: String(partNumber) };
        return {
          partNumber,
          ...urlFor(key, checksum ? { ...signed, checksum } : signed),
          ...(checksum ? { headers: { 'x-amz-checksum-sha256': checksum } } : {}),
        };
      });
    },
    async listParts({ uploadId }) {
      calls.push('listParts');
      const upload = uploads.get(uploadId);
      if (!upload) throw new UploadError('backend-error', 'NoSuchUpload', { status: 404 });
      return [...upload.parts].map(([partNumber, part]) => ({
        partNumber,
        etag: part.etag,
        size: part.bytes.length,
        ...(part.checksum ? { checksum: part.checksum } : {}),
      }));
    },
    async completeMultipart({ uploadId, key, parts }) {
      calls.push('completeMultipart');
      const upload = uploads.get(uploadId);
      if (!upload) throw new UploadError('backend-error', 'NoSuchUpload', { status: 404 });
      const chunks = parts.map(({ partNumber, etag, checksum }, i) => {
        const stored = upload.parts.get(partNumber);
        if (
          partNumber !== i + 1 ||
          !stored ||
          stored.etag !== etag ||
          (upload.checksummed && stored.checksum !== checksum)
        ) {
          throw new UploadError('backend-error', `InvalidPart ${partNumber}`, { status: 400 });
        }
        return stored.bytes;
      });
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const object = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        object.set(chunk, offset);
        offset += chunk.length;
      }
      objects.set(key, object);
      uploads.delete(uploadId);
      return { key, size: total };
    },
    async abortMultipart({ uploadId }) {
      calls.push('abortMultipart');
      uploads.delete(uploadId);
    },
  };

  return {
    backend,
    transport,
    objects,
    uploads,
    calls,
    puts,
    /** Replace storage's answer to PUTs; return undefined to fall through to normal behaviour. */
    intercept(fn: Override | undefined) {
      override = fn;
      putCount = 0;
    },
  };
}

/** Deterministic bytes: a file whose content can be compared after upload. */
export function patternedFile(size: number, name = 'file.bin', type = 'application/octet-stream'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return new File([bytes], name, { type, lastModified: 1_700_000_000_000 });
}

/** Reads a Blob with FileReader: jsdom 27's Blob has no arrayBuffer(). */
export function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

/** SHA-256 hex of bytes: compare big payloads by digest, not element by element. */
export function sha256(bytes: Uint8Array | undefined): string {
  if (!bytes) return 'missing';
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 hex of a Blob's content. */
export async function blobSha256(blob: Blob): Promise<string> {
  return sha256(await bytesOf(blob));
}

/** A promise with its resolve/reject exposed (Promise.withResolvers needs Node 22). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Records the options (checksum, resign) of each presign call the storage's backend gets. */
export function recordPresigns(storage: ReturnType<typeof createMemoryStorage>) {
  const asked: Array<{ checksum?: string } | undefined> = [];
  const presign = storage.backend.presign.bind(storage.backend);
  storage.backend.presign = (file, ctx, options) => {
    asked.push(options);
    return presign(file, ctx, options);
  };
  return asked;
}

/**
 * An engine on a memory storage, for component tests: single PUTs, no resume storage, and
 * progress published on a zero timer (jsdom paints no frames). `options` override any of it.
 */
export function createTestEngine(
  storage: ReturnType<typeof createMemoryStorage>,
  options: Partial<UploadEngineOptions> = {},
) {
  return createUploadEngine({
    mode: 'single',
    backend: storage.backend,
    transport: storage.transport,
    resumeStorage: false,
    scheduleFrame: (flush) => {
      const timer = setTimeout(flush, 0);
      return () => clearTimeout(timer);
    },
    ...options,
  });
}

/**
 * Adds `presignBatch` and `completeBatch` to a backend, built on its one-file calls as a batch
 * endpoint is (each entry gets exactly its one-file answer), and records each batch's size.
 * `delayMs` holds every batch call, as a distant app server would.
 */
export function withBatches<TResult>(
  backend: SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>,
  options: { delayMs?: number } = {},
) {
  const batches: Array<{ name: 'presign' | 'complete'; size: number }> = [];
  const settle = <T>(promise: Promise<T>) =>
    promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const wait = () => new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
  // The one-file calls are read at each batch: a test may replace them on the returned backend.
  const batching = {
    ...backend,
    async presignBatch(requests: PresignRequest[], ctx: RequestContext) {
      batches.push({ name: 'presign', size: requests.length });
      await wait();
      return Promise.all(requests.map(({ file, ...rest }) => settle(batching.presign(file, ctx, rest))));
    },
    async completeBatch(inputs: CompleteSingleInput[], ctx: RequestContext) {
      batches.push({ name: 'complete', size: inputs.length });
      await wait();
      return Promise.all(inputs.map((input) => settle(batching.complete(input, ctx))));
    },
  };
  return { batches, backend: batching };
}
