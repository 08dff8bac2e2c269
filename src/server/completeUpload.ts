import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { CompletedUpload, HandlerContext } from './config.js';
import { HttpError, type ServerErrorCode } from './httpError.js';
import { promoteObject } from './promoteObject.js';
import type { FileInput } from './requestInput.js';
import type { TokenClaims } from './uploadToken.js';
import { storageStatus, verifyObject } from './verifyObject.js';

/** What `complete` needs to know about the call. */
export interface Completion<TUser> {
  claims: TokenClaims;
  user: TUser;
  file: Pick<FileInput, 'name' | 'metadata'>;
  request: Request;
  source: CompletedUpload<TUser>['source'];
}

const running = new WeakMap<object, Map<string, Promise<unknown>>>();

// Failures of the bytes themselves, as opposed to storage being unavailable.
const VERIFICATION_FAILURES = new Set<ServerErrorCode>(['content-mismatch', 'size-mismatch']);

/**
 * The answer to `complete`: the stored answer of an earlier completion, the answer of one
 * running now in this process, or a new completion. So `onComplete` runs once per object,
 * however often or concurrently `complete` is sent.
 */
export async function completeOnce<TUser>(
  ctx: HandlerContext<TUser>,
  completion: Completion<TUser>,
  started: number,
): Promise<unknown> {
  const id = completionId(completion.claims);
  const stored = await remembered(ctx, id);
  if (stored) return answer(stored);
  let inFlight = running.get(ctx);
  if (!inFlight) running.set(ctx, (inFlight = new Map()));
  let pending = inFlight.get(id);
  if (!pending) {
    const flights = inFlight;
    pending = complete(ctx, completion, started).finally(() => flights.delete(id));
    inFlight.set(id, pending);
  }
  return pending;
}

/**
 * One upload: everything its token vouches for. Keyed by this, not by the object key alone, an
 * answer never goes to another user's (or another upload's) `complete` of a reused key.
 */
function completionId(claims: TokenClaims): string {
  const { key, userId, uploadId, size, partSize, type, exp } = claims;
  return [key, userId, uploadId, size, partSize, type, exp].join('\u0000');
}

/**
 * What the completions store keeps per key: the answer of the completion, or the refusal of
 * bytes that failed verification. A refusal is final: whatever is PUT to that URL later is
 * never verified again, so one upload cannot be tried with one content after another.
 */
type Remembered =
  { result: unknown } | { refused: { status: number; code: ServerErrorCode; message: string } };

async function remembered<TUser>(ctx: HandlerContext<TUser>, id: string): Promise<Remembered | undefined> {
  const value = (await ctx.completions.get(id)) as Remembered | undefined;
  return typeof value === 'object' && value !== null && ('result' in value || 'refused' in value)
    ? value
    : undefined;
}

function answer(stored: Remembered): unknown {
  if ('result' in stored) return stored.result;
  const { status, code, message } = stored.refused;
  throw new HttpError(status, code, message);
}

/** True when an answer or a refusal is remembered for the upload, or it is completing here. */
export async function hasOutcome<TUser>(ctx: HandlerContext<TUser>, claims: TokenClaims): Promise<boolean> {
  const id = completionId(claims);
  return Boolean(running.get(ctx)?.has(id) || (await remembered(ctx, id)));
}

/** The remembered answer for an upload, if any; a remembered refusal throws. */
export async function rememberedAnswer<TUser>(
  ctx: HandlerContext<TUser>,
  claims: TokenClaims,
): Promise<{ value: unknown } | undefined> {
  const stored = await remembered(ctx, completionId(claims));
  return stored ? { value: answer(stored) } : undefined;
}

/**
 * Verifies the pending object, copies it to the final key with the server's metadata (only if
 * the key is free), runs `onComplete`, remembers the answer, then removes the pending object.
 */
async function complete<TUser>(
  ctx: HandlerContext<TUser>,
  { claims, user, file, request, source }: Completion<TUser>,
  started: number,
): Promise<unknown> {
  const { s3, bucket } = ctx;
  const key = claims.key;
  const id = completionId(claims);
  const pendingKey = ctx.pendingPrefix + key;
  const contentDisposition = ctx.disposition(claims.type);
  const fallback = { key, size: claims.size, contentType: claims.type };
  // Retries may come for as long as the token is valid.
  const ttlMs = Math.max(60, claims.exp - ctx.nowSeconds()) * 1000;
  const rememberRefusal = ({ status, code, message }: HttpError) =>
    ctx.completions.set(id, { refused: { status, code, message } } satisfies Remembered, ttlMs);
  const refuse = async (error: unknown): Promise<never> => {
    if (error instanceof HttpError && VERIFICATION_FAILURES.has(error.code)) await rememberRefusal(error);
    throw error;
  };
  const verified = await verifyObject({
    s3,
    bucket,
    key: pendingKey,
    size: claims.size,
    type: claims.type,
    sniff: ctx.sniff,
  }).catch(refuse);
  if (!verified) {
    // Nothing waiting: another server instance completed it (its answer is not shared with
    // this one unless `completions` is), or nothing was ever uploaded.
    if ((await finalObject(ctx, claims)) === 'this') return fallback;
    throw new HttpError(404, 'not-found', 'No uploaded file was found. Upload it again.');
  }
  const removePending = () =>
    s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: pendingKey })).catch(() => undefined);

  const outcome = await promoteObject({
    s3,
    bucket,
    from: pendingKey,
    to: key,
    etag: verified.etag,
    size: claims.size,
    contentType: claims.type,
    contentDisposition,
    ...(ctx.copyPartSize === undefined ? {} : { copyPartSize: ctx.copyPartSize }),
    ...(ctx.encryption ? { encryption: ctx.encryption.params } : {}),
  }).catch(refuse);
  if (outcome === 'exists') {
    // Completed before (what waits at the pending key now is a later PUT, never copied), or
    // being completed by another instance, which still needs its pending object should its
    // `onComplete` fail: left for it, or for the lifecycle rule.
    const stored = await remembered(ctx, id);
    if (stored) return answer(stored);
    if ((await finalObject(ctx, claims)) === 'other') throw keyTaken();
    throw new HttpError(503, 'completing', 'This upload is being completed. Try again in a moment.', {
      'retry-after': '1',
    });
  }

  const upload: CompletedUpload<TUser> = {
    user,
    userId: claims.userId,
    key,
    size: claims.size,
    contentType: claims.type,
    contentDisposition,
    fileName: file.name,
    metadata: file.metadata,
    request,
    source,
  };
  let result: unknown;
  try {
    result = (await ctx.onComplete?.(upload)) ?? fallback;
  } catch (error) {
    // The app did not take the object: take it back. An HttpError under 500 is the app refusing
    // the file (a virus scan, a quota): final, like a failed verification. Anything else is a
    // failure to retry: the pending bytes stay, and a retried `complete` runs it all again.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    if (error instanceof HttpError && error.status < 500) {
      await removePending();
      await rememberRefusal(error);
    }
    throw error;
  }
  await ctx.completions.set(id, { result } satisfies Remembered, ttlMs);
  await removePending();
  ctx.emit({
    type: 'completed',
    userId: claims.userId,
    key,
    size: claims.size,
    contentType: claims.type,
    ms: ctx.now() - started,
  });
  return result;
}

const keyTaken = () =>
  new HttpError(
    409,
    'key-taken',
    'Another file is already stored under this key; the upload server must choose a new key for every upload.',
  );

/**
 * What sits at the final key: nothing, an object that can be this upload's (its size and type),
 * or another object (a custom `objectKey` that reused a key).
 */
async function finalObject<TUser>(
  ctx: HandlerContext<TUser>,
  claims: TokenClaims,
): Promise<'none' | 'this' | 'other'> {
  let head;
  try {
    head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: claims.key }));
  } catch (error) {
    if (storageStatus(error) === 404) return 'none';
    throw new HttpError(502, 'storage-error', 'Storage did not answer. Try again in a moment.');
  }
  return head.ContentLength === claims.size && head.ContentType === claims.type ? 'this' : 'other';
}
