import type { S3Client } from '@aws-sdk/client-s3';
import { parseAccept } from '../core/validate.js';
import { memoryCompletionStore, type CompletionStore } from './completionStore.js';
import { HttpError } from './httpError.js';
import { isPassiveType } from './mediaType.js';
import { defaultObjectKey, type KeyContext } from './objectKey.js';
import { memoryRateLimiter, type RateLimiter } from './rateLimiter.js';
import { createTokenSigner } from './uploadToken.js';

const MiB = 1024 * 1024;
const MAX_EXPIRES_IN = 3600;

/** What `onComplete` is told about an object that passed verification. */
export interface CompletedUpload<TUser> {
  user: TUser;
  userId: string;
  /** The final key: the verified object is there, and nothing will replace it. */
  key: string;
  size: number;
  /** The normalised type the object is stored with. */
  contentType: string;
  /** `inline` or `attachment`, as stored. */
  contentDisposition: string;
  /** The client's declared file name: untrusted, for display only. */
  fileName: string;
  /** What the app passed to `upload(files, { metadata })`; `undefined` from a storage event. */
  metadata: Record<string, string> | undefined;
  /** The call that completed it: the browser's `complete`, or the storage event's webhook call. */
  request: Request;
  /**
   * `client` when the browser's `complete` call completed it; `storage-event` when storage's
   * notification of the uploaded object did (the browser left before calling `complete`).
   */
  source: 'client' | 'storage-event';
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

/** The nine endpoints of docs/protocol.md: seven one-file calls and two batches. */
export type Operation =
  | 'presign'
  | 'complete'
  | 'presign/batch'
  | 'complete/batch'
  | 'multipart/create'
  | 'multipart/sign-parts'
  | 'multipart/list-parts'
  | 'multipart/complete'
  | 'multipart/abort';

/** Configuration of {@link createUploadHandler}. */
export interface UploadHandlerConfig<TUser> {
  /**
   * Your S3 client (AWS, R2, MinIO, GCS interoperability). Any `requestChecksumCalculation`
   * works: presigned URLs carry only the checksum the client sent.
   */
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
   * Chooses the final object key. Use `extension` (from the verified type), never the client's
   * file name unsanitized. Must not start with `pendingPrefix`.
   * @default `uploads/{user}/{uuid}{extension}`
   */
  objectKey?: (context: KeyContext & { user: TUser }) => string;
  /**
   * Where bytes wait, unverified, until `complete` checks them and copies them to the final
   * key: the pending key is this prefix followed by the final key. Give it a lifecycle rule that
   * expires objects after a day, and keep it private.
   * @default 'pending/'
   */
  pendingPrefix?: string;
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
   * Allowed types: MIME types, `type/*` wildcards and `.ext`, like `<input accept>`. Wildcards
   * never admit active content (HTML, SVG and other XML, JavaScript): name such a type exactly
   * to allow it, and it is then stored as an attachment.
   * @default any type but active content
   */
  allowedTypes?: string | readonly string[];
  /**
   * `Content-Disposition` of stored objects: `'auto'` serves images (not SVG), audio, video, PDF
   * and plain text `inline` and everything else as an `attachment`; `'attachment'` makes every
   * object a download. Active content is always an attachment.
   * @default 'auto'
   */
  contentDisposition?: 'auto' | 'attachment';
  /**
   * Origins allowed to call the handler from a browser (`https://app.example.com`). A request
   * whose `Origin` header is another origin gets 403. Without it, only the JSON content-type
   * requirement stands against cross-site requests.
   */
  allowedOrigins?: readonly string[];
  /**
   * The path the handler is mounted at (`/api/upload`). With it, only `{basePath}/{operation}`
   * is answered and every other path gets 404; without it, any path that ends in an operation
   * is (`/api/upload/x/presign` too). Set it whenever middleware in front of the handler allows
   * or blocks requests by path: otherwise a request can walk around it.
   */
  basePath?: string;
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
   * Per-address limit on requests that fail authorization: past it, they get 429 instead of 401
   * until the window ends. Signed-in requests never count and are never refused by it, so users
   * behind one proxy or NAT cannot lock each other out. Applies when the client address is known
   * (`getClientAddress`). `false` turns it off.
   * @default memoryRateLimiter({ limit: 60 }) (a minute, per address)
   */
  addressRateLimit?: RateLimiter | false;
  /**
   * The client's address, for `addressRateLimit`. Behind a proxy, read the header it sets.
   * @default the socket address when mounted with `toNodeHandler`, else unknown
   */
  getClientAddress?: (request: Request) => string | null | undefined;
  /**
   * Check the first bytes of every completed object against its declared type (magic numbers),
   * and delete it on a mismatch.
   * @default true
   */
  sniffContent?: boolean;
  /**
   * Remembers each completion's answer, so `onComplete` runs once per object and retries get
   * the first answer. Share one between server instances.
   * @default memoryCompletionStore()
   */
  completions?: CompletionStore;
  /**
   * How long a control call's body may take to arrive, in ms (slow or stalled clients get 408).
   * @default 10000
   */
  bodyTimeoutMs?: number;
  /**
   * Most entries in one `presign/batch` or `complete/batch` call, from 1 to 100 (the protocol's
   * limit); a larger batch gets `413 batch-too-large`.
   * @default 100
   */
  maxBatchSize?: number;
  /**
   * Entries of one batch call that run at once: a `complete/batch` of 100 files verifies and
   * copies this many objects at a time, not 100.
   * @default 4
   */
  batchConcurrency?: number;
  /**
   * Bytes per server-side copy request when `complete` moves an object to its final key.
   * @default 5 GiB (S3's largest copy part)
   */
  copyPartSize?: number;
  /**
   * Server-side encryption of every stored object: `'AES256'` (SSE-S3, keys managed by the
   * store) or `{ kmsKeyId }` (SSE-KMS with that key). It is signed into single-upload URLs as
   * `x-amz-server-side-encryption` (and `-aws-kms-key-id`), returned in `headers`, so storage
   * refuses a PUT without it (allow these headers in the bucket's CORS rule); multipart uploads
   * and the copy to the final key are created encrypted.
   */
  serverSideEncryption?: 'AES256' | { kmsKeyId: string };
  /**
   * Lets storage's event notifications complete single uploads whose browser never called
   * `complete` (a tab closed right after the PUT): who uploaded what is signed into each URL as
   * object metadata of the pending object (query parameters, so no CORS change), and
   * `handler.handleStorageEvent` (or `storageEventWebhook`) verifies and completes it, running
   * `onComplete` once whichever comes first. Needs `userFromId`.
   * @default false
   */
  storageEvents?: boolean;
  /**
   * The user for an upload completed from a storage event, from its user id (`onComplete` gets
   * it as `user`). Required with `storageEvents`.
   */
  userFromId?: (userId: string) => TUser | Promise<TUser>;
  /**
   * Runs once per object, after it passed verification and sits at its final key; its return
   * value is the `complete` response (and the answer to every retry). If it throws, the final
   * object is removed again: an `HttpError` under 500 refuses the file for good (the pending
   * bytes go too, and every retry gets that answer); any other error keeps the pending bytes,
   * so a retried `complete` runs the whole completion again.
   */
  onComplete?: (upload: CompletedUpload<TUser>) => unknown;
  /** Structured events for logging and metrics. */
  onEvent?: (event: UploadEvent) => void;
  /** @default Date.now */
  now?: () => number;
}

/** The configuration with its defaults filled in, shared by the operations. */
export function resolveConfig<TUser>(config: UploadHandlerConfig<TUser>) {
  if (typeof config.authorize !== 'function') {
    throw new TypeError('upkit/server: `authorize` is required; return the signed-in user or null.');
  }
  const expiresIn = config.expiresIn ?? 900;
  if (!(Number.isInteger(expiresIn) && expiresIn > 0 && expiresIn <= MAX_EXPIRES_IN)) {
    throw new TypeError(`upkit/server: \`expiresIn\` must be between 1 and ${MAX_EXPIRES_IN} seconds.`);
  }
  const pendingPrefix = config.pendingPrefix ?? 'pending/';
  if (
    pendingPrefix.length > 100 ||
    !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(pendingPrefix)
  ) {
    throw new TypeError(
      'upkit/server: `pendingPrefix` must be a plain key prefix of at most 100 characters ending in "/", like "pending/".',
    );
  }
  const copyPartSize = config.copyPartSize;
  if (
    copyPartSize !== undefined &&
    !(Number.isSafeInteger(copyPartSize) && copyPartSize >= 5 * MiB && copyPartSize <= 5 * 1024 * MiB)
  ) {
    throw new TypeError(
      "upkit/server: `copyPartSize` must be from 5 MiB to 5 GiB (S3's limits for UploadPartCopy).",
    );
  }
  const maxBatchSize = config.maxBatchSize ?? 100;
  if (!(Number.isInteger(maxBatchSize) && maxBatchSize >= 1 && maxBatchSize <= 100)) {
    throw new TypeError('upkit/server: `maxBatchSize` must be a whole number from 1 to 100.');
  }
  const batchConcurrency = config.batchConcurrency ?? 4;
  if (!(Number.isInteger(batchConcurrency) && batchConcurrency >= 1)) {
    throw new TypeError('upkit/server: `batchConcurrency` must be a whole number of at least 1.');
  }
  const now = config.now ?? Date.now;
  const onEvent = config.onEvent;
  const encryption = resolveEncryption(config.serverSideEncryption);
  if (config.storageEvents && typeof config.userFromId !== 'function') {
    throw new TypeError(
      'upkit/server: `storageEvents` needs `userFromId(userId)`, which gives `onComplete` the user of an upload completed from a storage event.',
    );
  }
  const objectKey = config.objectKey ?? defaultObjectKey;
  return {
    s3: config.s3,
    bucket: config.bucket,
    authorize: config.authorize,
    expiresIn,
    pendingPrefix,
    tokens: createTokenSigner(config.secret),
    tokenTtl: config.uploadTokenTtl ?? 7 * 24 * 3600,
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    maxFileSize: config.maxFileSize ?? 1024 * MiB,
    minFileSize: config.minFileSize ?? 0,
    allowed: parseAccept(config.allowedTypes),
    allowedOrigins: config.allowedOrigins,
    basePath: checkBasePath(config.basePath),
    limiter: config.rateLimit === false ? undefined : (config.rateLimit ?? memoryRateLimiter()),
    addressLimiter:
      config.addressRateLimit === false
        ? undefined
        : (config.addressRateLimit ?? memoryRateLimiter({ limit: 60 })),
    getClientAddress: config.getClientAddress,
    sniff: config.sniffContent ?? true,
    completions: config.completions ?? memoryCompletionStore(),
    bodyTimeoutMs: config.bodyTimeoutMs ?? 10_000,
    copyPartSize,
    encryption,
    storageEvents: config.storageEvents === true,
    userFromId: config.userFromId,
    maxBatchSize,
    batchConcurrency,
    onComplete: config.onComplete,
    getUserId: config.getUserId ?? defaultUserId,
    /** `inline` or `attachment` for a normalised type. */
    disposition(contentType: string): 'inline' | 'attachment' {
      return config.contentDisposition !== 'attachment' && isPassiveType(contentType)
        ? 'inline'
        : 'attachment';
    },
    /** The final key, checked: the pending prefix and odd keys would break quarantine. */
    finalKey(context: KeyContext & { user: TUser }): string {
      const key = objectKey(context);
      if (
        typeof key !== 'string' ||
        key === '' ||
        new TextEncoder().encode(key).byteLength > 900 ||
        key.startsWith(pendingPrefix) ||
        // eslint-disable-next-line no-control-regex -- control characters are what is refused
        /[\u0000-\u001f\u007f]/.test(key)
      ) {
        throw new HttpError(
          500,
          'server-misconfigured',
          'The upload server chose an unusable object key: `objectKey` must return 1 to 900 bytes, without control characters, outside `pendingPrefix`.',
        );
      }
      return key;
    },
    /** Events never break a response: a throwing logger is the app's bug, not the user's. */
    emit(event: UploadEvent): void {
      try {
        // An async logger's rejection would otherwise be unhandled, and end a Node process.
        const returned: unknown = onEvent?.(event);
        if (returned instanceof Promise) returned.catch(() => undefined);
      } catch {
        // Ignored on purpose; see above.
      }
    },
  };
}

export type HandlerContext<TUser> = ReturnType<typeof resolveConfig<TUser>>;

/** The SDK parameters (for PutObject, CreateMultipartUpload, CopyObject) and signed headers. */
export interface Encryption {
  params: { ServerSideEncryption: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string };
  headers: Record<string, string>;
}

function resolveEncryption(
  option: UploadHandlerConfig<unknown>['serverSideEncryption'],
): Encryption | undefined {
  if (option === undefined) return undefined;
  if (option === 'AES256') {
    return {
      params: { ServerSideEncryption: 'AES256' },
      headers: { 'x-amz-server-side-encryption': 'AES256' },
    };
  }
  const keyId = typeof option === 'object' && option !== null ? option.kmsKeyId : undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (typeof keyId !== 'string' || keyId.trim() === '' || /[\u0000-\u001f\u007f]/.test(keyId)) {
    throw new TypeError(
      "upkit/server: `serverSideEncryption` must be 'AES256' or { kmsKeyId: 'your KMS key id or ARN' }.",
    );
  }
  return {
    params: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId },
    headers: {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': keyId,
    },
  };
}

function checkBasePath(basePath: string | undefined): string | undefined {
  if (basePath === undefined) return undefined;
  const trimmed = basePath.replace(/\/+$/, '');
  if (!/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/.test(trimmed) || /\/\.{1,2}(\/|$)/.test(trimmed)) {
    throw new TypeError(
      `upkit/server: \`basePath\` must be a path like '/api/upload' (no dot segments or empty segments), not ${JSON.stringify(basePath)}.`,
    );
  }
  return trimmed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultUserId(user: unknown): string {
  if (typeof user === 'string' || typeof user === 'number') return String(user);
  if (isRecord(user) && (typeof user.id === 'string' || typeof user.id === 'number')) return String(user.id);
  throw new HttpError(
    500,
    'server-misconfigured',
    'The upload server cannot tell users apart: `authorize` returned a user without an `id`; pass `getUserId`.',
  );
}
