import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { mapBounded } from '../core/mapBounded.js';
import { completeOnce } from './completeUpload.js';
import type { HandlerContext } from './config.js';
import { errorResponse, HttpError, json, serverError } from './httpError.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, readJsonBody } from './readBody.js';
import { storageStatus } from './verifyObject.js';

// Metadata names (S3 gives them back lower-case, without `x-amz-meta-`).
export const EVENT_USER = 'upkit-user';
export const EVENT_TOKEN = 'upkit-token';
export const EVENT_NAME = 'upkit-name';

// One notification carries a few records; a larger body is not from storage.
const MAX_RECORDS = 1000;

/** What one storage notification did. */
export interface StorageEventResult {
  /** Final keys of the uploads it completed (or found completed by a call running now). */
  completed: string[];
  /** Records that were not a pending single upload of this handler (other prefixes, buckets, events). */
  ignored: number;
  /** Uploads it refused, with why (their bytes failed verification, or the app refused them). */
  refused: Array<{ key: string; code: string }>;
}

/**
 * The object keys an S3 event notification names in this bucket: S3 and MinIO send
 * `{ Records: [...] }` to a webhook, Lambda or SQS; SNS wraps it as a JSON string in `Message`.
 */
function createdKeys(body: unknown, bucket: string): { keys: string[]; ignored: number } {
  let event = body;
  if (isObject(event) && typeof event.Message === 'string') {
    if (nestsDeeperThan(new TextEncoder().encode(event.Message), MAX_JSON_DEPTH)) {
      throw new HttpError(400, 'bad-request', 'The SNS message nests too deep for an S3 event.');
    }
    try {
      event = JSON.parse(event.Message) as unknown;
    } catch {
      throw new HttpError(400, 'bad-request', 'The SNS message is not JSON.');
    }
  }
  if (!isObject(event) || !Array.isArray(event.Records)) {
    throw new HttpError(400, 'bad-request', 'Expected an S3 event notification: { "Records": [...] }.');
  }
  const records: unknown[] = event.Records;
  if (records.length > MAX_RECORDS) throw new HttpError(413, 'body-too-large', 'Too many records.');
  const keys: string[] = [];
  for (const record of records) {
    const s3 = isObject(record) && isObject(record.s3) ? record.s3 : undefined;
    const name = isObject(record) ? record.eventName : undefined;
    const objectKey = isObject(s3?.object) ? s3.object.key : undefined;
    const bucketName = isObject(s3?.bucket) ? s3.bucket.name : undefined;
    // `s3:ObjectCreated:Put` (MinIO) or `ObjectCreated:Put` (S3); the key is URL-encoded, `+` for space.
    if (typeof name !== 'string' || !/^(s3:)?ObjectCreated:/.test(name)) continue;
    if (bucketName !== bucket || typeof objectKey !== 'string') continue;
    try {
      keys.push(decodeURIComponent(objectKey.replace(/\+/g, ' ')));
    } catch {
      // Not a key S3 would send.
    }
  }
  return { keys, ignored: records.length - keys.length };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const decoded = (value: string | undefined): string | undefined => {
  try {
    return value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/**
 * Completes the single upload waiting at `pendingKey`, from what its presigned URL stored with it
 * (the user, the upload token and the file name): the same verification, copy and `onComplete`
 * as the browser's `complete`, once, whichever comes first. Anything without authentic upkit
 * metadata is not touched (a multipart upload's object, or bytes put there some other way).
 */
async function completeFromEvent<TUser>(
  ctx: HandlerContext<TUser>,
  pendingKey: string,
  request: Request,
): Promise<'completed' | 'ignored' | { refused: string }> {
  if (!pendingKey.startsWith(ctx.pendingPrefix)) return 'ignored';
  // No key upkit signs has dot segments (storage may resolve them to another key, or refuse
  // them), or is over S3's 1,024 bytes: such a record is not ours, and must not fail the others.
  if (
    new TextEncoder().encode(pendingKey).byteLength > 1024 ||
    pendingKey.split('/').some((segment) => segment === '.' || segment === '..')
  ) {
    return 'ignored';
  }
  const started = ctx.now();
  const key = pendingKey.slice(ctx.pendingPrefix.length);
  let metadata: Record<string, string>;
  try {
    const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: pendingKey }));
    metadata = head.Metadata ?? {};
  } catch (error) {
    // Gone: the browser's `complete` (or an earlier event) already moved it. Anything else
    // (403 from rotated credentials, a missing KMS grant) is retried: storage delivers again.
    if (storageStatus(error) === 404) return 'ignored';
    throw serverError();
  }
  const userId = decoded(metadata[EVENT_USER]);
  if (userId === undefined || metadata[EVENT_TOKEN] === undefined) return 'ignored';
  let claims;
  try {
    claims = await ctx.tokens.verify(metadata[EVENT_TOKEN], { userId, key, uploadId: '' }, ctx.nowSeconds());
  } catch {
    // Forged or expired: left for the lifecycle rule or `sweepPending`.
    return 'ignored';
  }
  const user = await (ctx.userFromId as (id: string) => TUser | Promise<TUser>)(userId);
  const name = decoded(metadata[EVENT_NAME]) ?? key;
  try {
    await completeOnce(
      ctx,
      { claims, user, file: { name, metadata: undefined }, request, source: 'storage-event' },
      started,
    );
    return 'completed';
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    // Another instance is completing it right now: its answer is the one that counts.
    if (error.code === 'completing') return 'completed';
    if (error.status < 500) return { refused: error.code };
    throw error;
  }
}

/**
 * Handles one S3 event notification for a handler made with `storageEvents: true`: each
 * created object under the pending prefix that a presigned single-upload URL of this handler
 * wrote is verified and completed (`onComplete` runs once per object, whether this or the
 * browser's `complete` comes first). Rejects (so the notification is delivered again) only when
 * storage or `onComplete` failed in a way a retry can fix.
 */
export async function handleStorageEvent<TUser>(
  ctx: HandlerContext<TUser>,
  body: unknown,
  request: Request,
): Promise<StorageEventResult> {
  if (!ctx.storageEvents) {
    throw new TypeError(
      'upkit/server: create the handler with `storageEvents: true` to handle storage events.',
    );
  }
  const { keys, ignored } = createdKeys(body, ctx.bucket);
  const outcomes = await mapBounded(keys, ctx.batchConcurrency, (key) =>
    completeFromEvent(ctx, key, request),
  );
  const result: StorageEventResult = { completed: [], ignored, refused: [] };
  outcomes.forEach((outcome, index) => {
    const key = (keys[index] as string).slice(ctx.pendingPrefix.length);
    if (outcome === 'completed') result.completed.push(key);
    else if (outcome === 'ignored') result.ignored++;
    else result.refused.push({ key, code: outcome.refused });
  });
  return result;
}

/** Options of {@link storageEventWebhook}. */
export interface StorageEventWebhookOptions {
  /**
   * The token storage sends as `Authorization: Bearer <authToken>` (MinIO:
   * `MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_<ID>`). At least 32 characters; keep it secret.
   */
  authToken: string;
}

/**
 * A Fetch-API endpoint for storage's webhook notifications (MinIO's webhook target; for AWS,
 * call `handler.handleStorageEvent` from the Lambda or SQS consumer instead). Answers 401
 * without the token, 400 for a body that is not an S3 event, 200 with what it did, and 5xx when
 * a retry can help (storage delivers the event again).
 */
export function storageEventWebhook(
  handler: { handleStorageEvent(event: unknown, request?: Request): Promise<StorageEventResult> },
  options: StorageEventWebhookOptions,
): (request: Request) => Promise<Response> {
  if (typeof options.authToken !== 'string' || options.authToken.length < 32) {
    throw new TypeError('upkit/server: `authToken` must be a secret of at least 32 characters.');
  }
  const expected = new TextEncoder().encode(`Bearer ${options.authToken}`);
  return async (request) => {
    try {
      if (request.method !== 'POST') {
        throw new HttpError(405, 'method-not-allowed', 'Use POST.', { allow: 'POST' });
      }
      if (!sameBytes(new TextEncoder().encode(request.headers.get('authorization') ?? ''), expected)) {
        throw new HttpError(401, 'unauthorized', 'Unknown sender.');
      }
      const body = await readJsonBody(request, { maxBytes: 1024 * 1024, timeoutMs: 10_000 });
      return json(await handler.handleStorageEvent(body, request));
    } catch (error) {
      return errorResponse(error instanceof HttpError ? error : serverError());
    }
  };
}

/** Compares in time that does not depend on where the bytes differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= (a[i] ?? 0) ^ (b[i] as number);
  return difference === 0;
}
