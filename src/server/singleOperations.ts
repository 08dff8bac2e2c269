import { PutObjectCommand } from '@aws-sdk/client-s3';
import { EVENT_NAME, EVENT_TOKEN, EVENT_USER } from './storageEvents.js';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { completeOnce } from './completeUpload.js';
import type { HandlerContext } from './config.js';
import {
  checkFile,
  expiresAt,
  SHA256_BASE64,
  withClientChecksumOnly,
  storageFailure,
  type OperationCall,
} from './operationSupport.js';
import { badRequest, isRecord, readFile, readString } from './requestInput.js';

/** `presign`: a URL for one PUT of exactly the declared size and checked type, to the pending key. */
export async function presign<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const file = readFile(call.body);
  const stored = checkFile(ctx, file, false);
  checkResign(call.body);
  const key = ctx.finalKey({ user: call.user, userId: call.userId, fileName: file.name, ...stored });
  // The client's SHA-256 of the file, when it sent one: storage then refuses other bytes.
  const checksum = readChecksum(call.body.checksum);
  const headers: Record<string, string> = {
    'Content-Type': stored.contentType,
    'Content-Disposition': ctx.disposition(stored.contentType),
    ...(checksum ? { 'x-amz-checksum-sha256': checksum } : {}),
    ...ctx.encryption?.headers,
  };
  // Signed headers, never query parameters: a PUT must carry each of them, or storage refuses it.
  const headerParams = [
    ...(checksum ? ['x-amz-checksum-sha256'] : []),
    ...Object.keys(ctx.encryption?.headers ?? {}),
  ];
  const token = await ctx.tokens.sign({
    userId: call.userId,
    key,
    uploadId: '',
    size: file.size,
    partSize: 0,
    type: stored.contentType,
    exp: ctx.nowSeconds() + ctx.tokenTtl,
  });
  // Type, disposition and length are signed: storage refuses a PUT that changes any of them.
  const url = await storageFailure(() =>
    getSignedUrl(
      ctx.s3,
      withClientChecksumOnly(
        new PutObjectCommand({
          Bucket: ctx.bucket,
          Key: ctx.pendingPrefix + key,
          ContentType: stored.contentType,
          ContentDisposition: ctx.disposition(stored.contentType),
          ContentLength: file.size,
          ...(checksum ? { ChecksumSHA256: checksum } : {}),
          ...ctx.encryption?.params,
          ...(ctx.storageEvents ? { Metadata: eventMetadata(call.userId, token, file.name) } : {}),
        }),
      ),
      {
        expiresIn: ctx.expiresIn,
        signableHeaders: new Set(['content-type', 'content-disposition', 'content-length', ...headerParams]),
        unhoistableHeaders: new Set(headerParams),
      },
    ),
  );
  ctx.emit({ type: 'signed', operation: 'presign', userId: call.userId, key, ms: ctx.now() - call.started });
  return { url, method: 'PUT', headers, key, expiresAt: expiresAt(ctx), token };
}

/**
 * `resign` (a file's earlier key and token, sent when its URL expired) earns a new key, as a
 * plain presign does: a key is never signed for a second PUT. Reusing it only spared a stray
 * pending object (the lifecycle rule's job), and whether its upload was settled cannot be known
 * for sure (an outcome forgotten after a restart, an object the app deleted since).
 */
function checkResign(body: Record<string, unknown>): void {
  const { resign } = body;
  if (resign !== undefined && (!isRecord(resign) || typeof resign.key !== 'string')) {
    throw badRequest('"resign" must be { "key": string, "token": string } from an earlier presign answer.');
  }
}

/** `complete`: verify, promote to the final key, run `onComplete` once. */
export async function complete<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const key = readString(call.body, 'key');
  const claims = await ctx.tokens.verify(
    call.body.token,
    { userId: call.userId, key, uploadId: '' },
    ctx.nowSeconds(),
  );
  const file = isRecord(call.body.file) ? readFile(call.body) : { name: '', metadata: undefined };
  return completeOnce(
    ctx,
    { claims, user: call.user, file, request: call.request, source: 'client' },
    call.started,
  );
}

/** A base64 SHA-256 digest, or `undefined` when none was sent. */
function readChecksum(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SHA256_BASE64.test(value)) {
    throw badRequest('"checksum" must be a base64 SHA-256 digest.');
  }
  return value;
}

/**
 * Who uploaded what, stored with the pending object for a storage event to complete it: signed
 * query parameters of the URL (S3 and MinIO store `x-amz-meta-*` parameters as metadata), so the
 * browser sends no extra header. Values are percent-encoded: metadata is ASCII.
 */
function eventMetadata(userId: string, token: string, name: string): Record<string, string> {
  return {
    [EVENT_USER]: encodeURIComponent(wellFormed(userId)),
    [EVENT_TOKEN]: token,
    // For display only, and kept short: S3 allows 2 KB of metadata in all.
    [EVENT_NAME]: encodeURIComponent(wellFormed(name.slice(0, 200))),
  };
}

/**
 * Lone surrogates (a name cut inside an emoji, or sent that way) as U+FFFD: `encodeURIComponent`
 * throws on them, which failed the presign. A user id changed this way no longer matches its
 * token, and the event path leaves that upload to the browser's `complete`.
 */
const wellFormed = (text: string) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
