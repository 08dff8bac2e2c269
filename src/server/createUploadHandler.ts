import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3_LIMITS } from '../core/chunkPlan';
import { matchesAccept, parseAccept } from '../core/validate';
import { errorResponse, HttpError, json } from './httpError';
import { defaultObjectKey, type KeyContext } from './objectKey';
import { memoryRateLimiter, type RateLimiter } from './rateLimiter';
import { createTokenSigner, type TokenClaims } from './uploadToken';
import { verifyObject } from './verifyObject';

const MiB = 1024 * 1024;
const MAX_EXPIRES_IN = 3600;

/** What `onComplete` is told about an object that passed verification. */
export interface CompletedUpload<TUser> {
  user: TUser;
  userId: string;
  key: string;
  size: number;
  contentType: string;
  /** The client's declared file name: untrusted, for display only. */
  fileName: string;
  metadata: Record<string, string> | undefined;
  request: Request;
}

/** Structured events for logs and metrics. Never contain URLs or tokens. */
export type UploadEvent =
  | { type: 'signed'; operation: Operation; userId: string; key: string; ms: number }
  | { type: 'completed'; userId: string; key: string; size: number; contentType: string; ms: number }
  | { type: 'aborted'; userId: string; key: string; ms: number }
  | {
      type: 'rejected';
      operation: Operation | 'unknown';
      userId?: string;
      status: number;
      code: string;
      ms: number;
    };

/** The seven endpoints of docs/protocol.md. */
export type Operation =
  | 'presign'
  | 'complete'
  | 'multipart/create'
  | 'multipart/sign-parts'
  | 'multipart/list-parts'
  | 'multipart/complete'
  | 'multipart/abort';

/** Configuration of {@link createUploadHandler}. */
export interface UploadHandlerConfig<TUser> {
  /** Your S3 client (AWS, R2, MinIO, GCS interoperability). Create it with `requestChecksumCalculation: 'WHEN_REQUIRED'`. */
  s3: S3Client;
  /** The bucket objects go to. */
  bucket: string;
  /**
   * Who is asking. Return the user, or `null`/`undefined` to answer 401. Required: an upload
   * endpoint without authentication is an open bucket.
   */
  authorize: (request: Request) => TUser | null | undefined | Promise<TUser | null | undefined>;
  /**
   * The user's stable id, used in keys, tokens and rate limits.
   * @default `String(user.id)` when the user has an `id`, else `String(user)`
   */
  getUserId?: (user: TUser) => string;
  /** At least 32 bytes; signs upload tokens. Keep it secret and the same on every instance. */
  secret: string | Uint8Array;
  /**
   * Chooses the object key. Never put the client's file name in it unsanitized.
   * @default `uploads/{user}/{uuid}{.ext}`
   */
  objectKey?: (context: KeyContext & { user: TUser }) => string;
  /**
   * Largest file accepted, in bytes.
   * @default 1 GiB
   */
  maxFileSize?: number;
  /**
   * Smallest file accepted, in bytes.
   * @default 0
   */
  minFileSize?: number;
  /**
   * Allowed types: MIME types, `type/*` wildcards and `.ext`, like `<input accept>`.
   * @default any type
   */
  allowedTypes?: string | readonly string[];
  /**
   * Lifetime of presigned URLs, in seconds; at most 3600.
   * @default 900
   */
  expiresIn?: number;
  /**
   * How long a multipart upload can be resumed, in seconds (the upload token's lifetime).
   * @default 7 days
   */
  uploadTokenTtl?: number;
  /**
   * Per-user request limit; `false` turns it off.
   * @default memoryRateLimiter() (600 requests a minute per user)
   */
  rateLimit?: RateLimiter | false;
  /**
   * Check the first bytes of every completed object against its declared type (magic numbers),
   * and delete it on a mismatch.
   * @default true
   */
  sniffContent?: boolean;
  /** Runs after an object passed verification; its return value is the `complete` response. */
  onComplete?: (upload: CompletedUpload<TUser>) => unknown;
  /** Structured events for logging and metrics. */
  onEvent?: (event: UploadEvent) => void;
  /** @default Date.now */
  now?: () => number;
}

const OPERATIONS: readonly Operation[] = [
  'multipart/create',
  'multipart/sign-parts',
  'multipart/list-parts',
  'multipart/complete',
  'multipart/abort',
  'presign',
  'complete',
];

interface FileInput {
  name: string;
  size: number;
  type: string;
  metadata: Record<string, string> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(message: string): HttpError {
  return new HttpError(400, 'bad-request', message);
}

function readString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw badRequest(`"${field}" must be a non-empty string.`);
  return value;
}

function readFile(body: Record<string, unknown>): FileInput {
  const file = body.file;
  if (!isRecord(file)) throw badRequest('"file" must be an object with name, size and type.');
  const { name, size, type, metadata } = file;
  if (typeof name !== 'string' || name.length > 1024) throw badRequest('"file.name" must be a string.');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw badRequest('"file.size" must be a non-negative integer.');
  }
  if (typeof type !== 'string' || type.length > 255 || /[\r\n]/.test(type)) {
    throw badRequest('"file.type" must be a MIME type string.');
  }
  if (metadata !== undefined) {
    if (!isRecord(metadata) || Object.values(metadata).some((v) => typeof v !== 'string')) {
      throw badRequest('"file.metadata" must be an object of strings.');
    }
  }
  return { name, size, type, metadata: metadata as Record<string, string> | undefined };
}

function formatSize(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * The server half of upkit: answers the seven endpoints of docs/protocol.md with presigned
 * URLs from the AWS SDK. Returns a Fetch-API handler (Next.js route handlers, Hono, Bun, Deno,
 * Workers); use `toNodeHandler` for Node's http module or Express. Mount it at any path: the
 * operation is read from the end of the URL.
 *
 * @example
 * const handler = createUploadHandler({ s3, bucket: 'uploads', secret: process.env.UPLOAD_SECRET!, authorize: (req) => getSession(req)?.user })
 * export const POST = handler; // app/api/upload/[...op]/route.ts
 */
export function createUploadHandler<TUser>(
  config: UploadHandlerConfig<TUser>,
): (request: Request) => Promise<Response> {
  if (typeof config.authorize !== 'function') {
    throw new TypeError('upkit/server: `authorize` is required; return the signed-in user or null.');
  }
  const expiresIn = config.expiresIn ?? 900;
  if (!(expiresIn > 0 && expiresIn <= MAX_EXPIRES_IN)) {
    throw new TypeError(`upkit/server: \`expiresIn\` must be between 1 and ${MAX_EXPIRES_IN} seconds.`);
  }
  const tokens = createTokenSigner(config.secret);
  const now = config.now ?? Date.now;
  const maxFileSize = config.maxFileSize ?? 1024 * MiB;
  const minFileSize = config.minFileSize ?? 0;
  const allowed = parseAccept(config.allowedTypes);
  const limiter = config.rateLimit === false ? undefined : (config.rateLimit ?? memoryRateLimiter());
  const tokenTtl = config.uploadTokenTtl ?? 7 * 24 * 3600;
  const getUserId =
    config.getUserId ??
    ((user: TUser) => {
      if (typeof user === 'string' || typeof user === 'number') return String(user);
      if (isRecord(user) && (typeof user.id === 'string' || typeof user.id === 'number'))
        return String(user.id);
      throw new HttpError(
        500,
        'server-misconfigured',
        'The upload server cannot tell users apart: `authorize` returned a user without an `id`; pass `getUserId`.',
      );
    });
  const objectKey = config.objectKey ?? defaultObjectKey;
  const { s3, bucket } = config;
  let checksumChecked = false;

  const nowSeconds = () => Math.floor(now() / 1000);

  /** The SDK's default (since 3.729) signs an empty-body CRC32 that real S3 rejects. */
  async function assertChecksumMode(): Promise<void> {
    if (checksumChecked) return;
    const mode = await s3.config.requestChecksumCalculation?.();
    if (mode !== undefined && mode !== 'WHEN_REQUIRED') {
      throw new HttpError(
        500,
        'server-misconfigured',
        "The upload server's S3 client must be created with requestChecksumCalculation: 'WHEN_REQUIRED'.",
      );
    }
    checksumChecked = true;
  }

  function checkFile(file: FileInput, multipart: boolean): void {
    const limit = Math.min(maxFileSize, multipart ? S3_LIMITS.maxObjectSize : 5 * 1024 * MiB);
    if (file.size > limit) {
      throw new HttpError(
        413,
        'file-too-large',
        `"${file.name}" is ${formatSize(file.size)}; the limit is ${formatSize(limit)}.`,
      );
    }
    if (file.size < minFileSize) {
      throw new HttpError(
        400,
        'file-too-small',
        `"${file.name}" is smaller than ${formatSize(minFileSize)}.`,
      );
    }
    if (!matchesAccept(file.name, file.type, allowed)) {
      throw new HttpError(
        415,
        'file-type-not-allowed',
        `"${file.name}" is not an accepted type. Accepted: ${allowed.join(', ')}.`,
      );
    }
  }

  function expiresAt(): string {
    return new Date(now() + expiresIn * 1000).toISOString();
  }

  function storageFailure(error: unknown): HttpError {
    // Never echo the SDK's message: it can contain the bucket, key or a signed URL.
    const name = isRecord(error) && typeof error.name === 'string' ? error.name : 'Error';
    if (name === 'NoSuchUpload')
      return new HttpError(404, 'not-found', 'This upload no longer exists. Start it again.');
    return new HttpError(502, 'storage-error', 'Storage did not accept the request. Try again in a moment.');
  }

  async function s3Send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storageFailure(error);
    }
  }

  /** Verifies the object, runs onComplete, reports the event; the `complete` response. */
  async function finish(
    claims: TokenClaims,
    user: TUser,
    body: Record<string, unknown>,
    request: Request,
    started: number,
  ): Promise<Response> {
    const file = isRecord(body.file) ? readFile(body) : { name: '', metadata: undefined };
    await verifyObject({
      s3,
      bucket,
      key: claims.key,
      size: claims.size,
      type: claims.type,
      sniff: config.sniffContent ?? true,
    });
    const upload: CompletedUpload<TUser> = {
      user,
      userId: claims.userId,
      key: claims.key,
      size: claims.size,
      contentType: claims.type,
      fileName: file.name,
      metadata: file.metadata,
      request,
    };
    const result = await config.onComplete?.(upload);
    config.onEvent?.({
      type: 'completed',
      userId: claims.userId,
      key: claims.key,
      size: claims.size,
      contentType: claims.type,
      ms: now() - started,
    });
    return json(result ?? { key: claims.key, size: claims.size, contentType: claims.type });
  }

  async function handle(
    operation: Operation,
    request: Request,
    user: TUser,
    userId: string,
    body: Record<string, unknown>,
    started: number,
  ): Promise<Response> {
    const emitSigned = (key: string) =>
      config.onEvent?.({ type: 'signed', operation, userId, key, ms: now() - started });
    switch (operation) {
      case 'presign': {
        const file = readFile(body);
        checkFile(file, false);
        await assertChecksumMode();
        const key = objectKey({ user, userId, fileName: file.name, contentType: file.type });
        const contentType = file.type || 'application/octet-stream';
        // Content-Type and Content-Length are signed: storage refuses another type or size.
        const url = await s3Send(() =>
          getSignedUrl(
            s3,
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              ContentType: contentType,
              ContentLength: file.size,
            }),
            {
              expiresIn,
              signableHeaders: new Set(['content-type', 'content-length']),
            },
          ),
        );
        const token = await tokens.sign({
          userId,
          key,
          uploadId: '',
          size: file.size,
          type: contentType,
          exp: nowSeconds() + tokenTtl,
        });
        emitSigned(key);
        return json({
          url,
          method: 'PUT',
          headers: { 'Content-Type': contentType },
          key,
          expiresAt: expiresAt(),
          token,
        });
      }
      case 'complete': {
        const key = readString(body, 'key');
        const claims = await tokens.verify(body.token, { userId, key, uploadId: '' }, nowSeconds());
        return finish(claims, user, body, request, started);
      }
      case 'multipart/create': {
        const file = readFile(body);
        checkFile(file, true);
        await assertChecksumMode();
        const key = objectKey({ user, userId, fileName: file.name, contentType: file.type });
        const contentType = file.type || 'application/octet-stream';
        const created = await s3Send(() =>
          s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType })),
        );
        if (!created.UploadId) throw storageFailure(undefined);
        const token = await tokens.sign({
          userId,
          key,
          uploadId: created.UploadId,
          size: file.size,
          type: contentType,
          exp: nowSeconds() + tokenTtl,
        });
        emitSigned(key);
        return json({ uploadId: created.UploadId, key, token });
      }
      case 'multipart/sign-parts': {
        const { key, uploadId, claims } = await multipartClaims(body, userId);
        const numbers = body.partNumbers;
        // S3: parts are >= 5 MiB except the last, so a declared size bounds the part count.
        const maxPart = Math.min(
          S3_LIMITS.maxParts,
          Math.max(1, Math.ceil(claims.size / S3_LIMITS.minPartSize)),
        );
        if (
          !Array.isArray(numbers) ||
          numbers.length === 0 ||
          numbers.length > 100 ||
          !numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= maxPart)
        ) {
          throw badRequest(`"partNumbers" must be 1 to 100 integers between 1 and ${maxPart}.`);
        }
        const parts = await Promise.all(
          (numbers as number[]).map(async (partNumber) => ({
            partNumber,
            url: await s3Send(() =>
              getSignedUrl(
                s3,
                new UploadPartCommand({
                  Bucket: bucket,
                  Key: key,
                  UploadId: uploadId,
                  PartNumber: partNumber,
                }),
                { expiresIn },
              ),
            ),
            expiresAt: expiresAt(),
          })),
        );
        emitSigned(key);
        return json({ parts });
      }
      case 'multipart/list-parts': {
        const { key, uploadId } = await multipartClaims(body, userId);
        const parts: Array<{ partNumber: number; etag: string; size?: number }> = [];
        let marker: string | undefined;
        // ListParts answers at most 1,000 parts a page.
        for (let page = 0; page < 11; page++) {
          const listed = await s3Send(() =>
            s3.send(
              new ListPartsCommand({
                Bucket: bucket,
                Key: key,
                UploadId: uploadId,
                ...(marker ? { PartNumberMarker: marker } : {}),
              }),
            ),
          );
          for (const part of listed.Parts ?? []) {
            if (part.PartNumber && part.ETag) {
              const size = part.Size === undefined ? {} : { size: part.Size };
              parts.push({ partNumber: part.PartNumber, etag: part.ETag, ...size });
            }
          }
          if (!listed.IsTruncated || !listed.NextPartNumberMarker) break;
          marker = listed.NextPartNumberMarker;
        }
        return json({ parts });
      }
      case 'multipart/complete': {
        const { key, uploadId, claims } = await multipartClaims(body, userId);
        const parts = body.parts;
        if (
          !Array.isArray(parts) ||
          parts.length === 0 ||
          parts.length > S3_LIMITS.maxParts ||
          !parts.every((p) => isRecord(p) && Number.isInteger(p.partNumber) && typeof p.etag === 'string')
        ) {
          throw badRequest('"parts" must list { partNumber, etag } for every part.');
        }
        const sorted = [...(parts as Array<{ partNumber: number; etag: string }>)].sort(
          (a, b) => a.partNumber - b.partNumber,
        );
        try {
          await s3.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
            }),
          );
        } catch (error) {
          const name = isRecord(error) ? error.name : undefined;
          // A retried complete whose first attempt succeeded finds the upload gone and the
          // object present: finish it as if this call had completed it.
          if (name === 'NoSuchUpload') return finish(claims, user, body, request, started);
          if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
            throw badRequest(
              'Storage refused the parts of this upload (missing, reordered or too small). Start the upload again.',
            );
          }
          throw storageFailure(error);
        }
        return finish(claims, user, body, request, started);
      }
      case 'multipart/abort': {
        const { key, uploadId } = await multipartClaims(body, userId);
        try {
          await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
        } catch (error) {
          // Already gone is as good as aborted.
          if (!(isRecord(error) && error.name === 'NoSuchUpload')) throw storageFailure(error);
        }
        config.onEvent?.({ type: 'aborted', userId, key, ms: now() - started });
        return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
      }
    }
  }

  async function multipartClaims(body: Record<string, unknown>, userId: string) {
    const key = readString(body, 'key');
    const uploadId = readString(body, 'uploadId');
    const claims = await tokens.verify(body.token, { userId, key, uploadId }, nowSeconds());
    return { key, uploadId, claims };
  }

  return async function uploadHandler(request: Request): Promise<Response> {
    const started = now();
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    const operation = OPERATIONS.find((op) => path.endsWith(`/${op}`));
    let userId: string | undefined;
    try {
      if (!operation) throw new HttpError(404, 'not-found', 'Unknown upload endpoint.');
      if (request.method !== 'POST') {
        throw new HttpError(405, 'method-not-allowed', 'Use POST.', { allow: 'POST' });
      }
      const user = await config.authorize(request);
      if (user === null || user === undefined || (user as unknown) === false) {
        throw new HttpError(401, 'unauthorized', 'Sign in to upload files.');
      }
      userId = getUserId(user);
      if (limiter) {
        const { allowed: ok, retryAfterMs } = await limiter.consume(userId);
        if (!ok) {
          const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
          throw new HttpError(429, 'rate-limited', `Too many upload requests. Try again in ${seconds} s.`, {
            'retry-after': String(seconds),
          });
        }
      }
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        throw badRequest('The request body must be JSON.');
      }
      if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
      return await handle(operation, request, user, userId, body, started);
    } catch (error) {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'server-error', 'The upload server failed. Try again in a moment.');
      config.onEvent?.({
        type: 'rejected',
        operation: operation ?? 'unknown',
        ...(userId === undefined ? {} : { userId }),
        status: httpError.status,
        code: httpError.code,
        ms: now() - started,
      });
      return errorResponse(httpError);
    }
  };
}
