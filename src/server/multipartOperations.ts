import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { choosePartSize, S3_LIMITS } from '../core/chunkPlan.js';
import { completeOnce, hasOutcome, rememberedAnswer } from './completeUpload.js';
import { admit } from './batchOperations.js';
import { HttpError } from './httpError.js';
import { rateLimited } from './rateLimiter.js';
import type { HandlerContext } from './config.js';
import {
  checkFile,
  SHA256_BASE64,
  expiresAt,
  withClientChecksumOnly,
  storageError,
  storageFailure,
  type OperationCall,
} from './operationSupport.js';
import { badRequest, isRecord, readFile, readString } from './requestInput.js';

/** `multipart/create`: an upload at the pending key, with the part size the server will sign. */
export async function create<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const file = readFile(call.body);
  const stored = checkFile(ctx, file, true);
  const wished = call.body.partSize;
  const partSize = choosePartSize(
    file.size,
    typeof wished === 'number' && Number.isSafeInteger(wished) ? wished : undefined,
  );
  // The client hashes each part; storage then refuses any part whose bytes differ.
  const checksummed = call.body.checksumAlgorithm === 'SHA256';
  const key = ctx.finalKey({ user: call.user, userId: call.userId, fileName: file.name, ...stored });
  const created = await storageFailure(() =>
    ctx.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: ctx.pendingPrefix + key,
        ContentType: stored.contentType,
        ContentDisposition: ctx.disposition(stored.contentType),
        ...(checksummed ? { ChecksumAlgorithm: 'SHA256' } : {}),
        ...ctx.encryption?.params,
      }),
    ),
  );
  if (!created.UploadId) throw storageError(undefined);
  const token = await ctx.tokens.sign({
    userId: call.userId,
    key,
    uploadId: created.UploadId,
    size: file.size,
    partSize,
    type: stored.contentType,
    exp: ctx.nowSeconds() + ctx.tokenTtl,
  });
  ctx.emit({
    type: 'signed',
    operation: 'multipart/create',
    userId: call.userId,
    key,
    ms: ctx.now() - call.started,
  });
  return {
    uploadId: created.UploadId,
    key,
    token,
    partSize,
    ...(checksummed ? { checksumAlgorithm: 'SHA256' } : {}),
  };
}

/** The part checksums a call names, by part number; malformed ones are refused. */
function readChecksums(body: Record<string, unknown>): Map<number, string> {
  const checksums = new Map<number, string>();
  const given = body.checksums;
  if (given === undefined) return checksums;
  if (!isRecord(given)) throw badRequest('"checksums" must map part numbers to base64 SHA-256 digests.');
  for (const [number, checksum] of Object.entries(given)) {
    if (typeof checksum !== 'string' || !SHA256_BASE64.test(checksum)) {
      throw badRequest(`"checksums.${number.slice(0, 10)}" must be a base64 SHA-256 digest.`);
    }
    checksums.set(Number(number), checksum);
  }
  return checksums;
}

async function session<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>, allowExpired = false) {
  const key = readString(call.body, 'key');
  const uploadId = readString(call.body, 'uploadId');
  const claims = await ctx.tokens.verify(
    call.body.token,
    { userId: call.userId, key, uploadId },
    ctx.nowSeconds(),
    { allowExpired },
  );
  return { key, pendingKey: ctx.pendingPrefix + key, uploadId, claims };
}

/** Part URLs `sign-parts` signs per unit of the user's rate limit. */
const PARTS_PER_UNIT = 10;

/**
 * `multipart/sign-parts`: part URLs that each sign the part's exact length (every part is
 * `partSize` bytes, the last the rest), so no part number can park more than its share.
 */
export async function signParts<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const { key, pendingKey, uploadId, claims } = await session(ctx, call);
  const count = Math.max(1, Math.ceil(claims.size / claims.partSize));
  const numbers = call.body.partNumbers;
  if (
    !Array.isArray(numbers) ||
    numbers.length === 0 ||
    numbers.length > 100 ||
    !numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= count)
  ) {
    throw badRequest(`"partNumbers" must be 1 to 100 integers between 1 and ${count}.`);
  }
  // One unit of the user's rate limit per ten URLs (the call's own unit is the first): signing a
  // hundred URLs costs what thirty presigns do in CPU, and the token can be replayed for days.
  // Per ten, not per URL, so one user's big file can still sign 500 MiB/s of 5 MiB parts.
  const unique = [...new Set(numbers as number[])];
  const units = Math.ceil(unique.length / PARTS_PER_UNIT);
  const admitted = await admit(ctx, call.userId, units);
  if (admitted.count < units) throw rateLimited(admitted.retryAfterMs);
  const checksums = readChecksums(call.body);
  const checksumHeader = 'x-amz-checksum-sha256';
  const parts = await Promise.all(
    unique.map(async (partNumber) => {
      const checksum = checksums.get(partNumber);
      const url = await storageFailure(() =>
        getSignedUrl(
          ctx.s3,
          withClientChecksumOnly(
            new UploadPartCommand({
              Bucket: ctx.bucket,
              Key: pendingKey,
              UploadId: uploadId,
              PartNumber: partNumber,
              ContentLength:
                partNumber < count ? claims.partSize : claims.size - (count - 1) * claims.partSize,
              ...(checksum ? { ChecksumSHA256: checksum } : {}),
            }),
          ),
          // The checksum is a signed header, not hoisted into the URL: storage checks the body
          // against a header (MinIO ignores it as a query parameter).
          {
            expiresIn: ctx.expiresIn,
            signableHeaders: new Set(checksum ? ['content-length', checksumHeader] : ['content-length']),
            unhoistableHeaders: new Set([checksumHeader]),
          },
        ),
      );
      return {
        partNumber,
        url,
        expiresAt: expiresAt(ctx),
        ...(checksum ? { headers: { [checksumHeader]: checksum } } : {}),
      };
    }),
  );
  ctx.emit({
    type: 'signed',
    operation: 'multipart/sign-parts',
    userId: call.userId,
    key,
    ms: ctx.now() - call.started,
  });
  return { parts };
}

/** `multipart/list-parts`: every part storage holds, across ListParts pages. */
export async function listParts<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const { pendingKey, uploadId } = await session(ctx, call);
  const parts: Array<{ partNumber: number; etag: string; size?: number; checksum?: string }> = [];
  let marker: string | undefined;
  // ListParts answers at most 1,000 parts a page; 10,000 parts make 10 pages.
  for (let page = 0; page < 11; page++) {
    const listed = await storageFailure(() =>
      ctx.s3.send(
        new ListPartsCommand({
          Bucket: ctx.bucket,
          Key: pendingKey,
          UploadId: uploadId,
          ...(marker ? { PartNumberMarker: marker } : {}),
        }),
      ),
    );
    for (const part of listed.Parts ?? []) {
      if (part.PartNumber && part.ETag) {
        parts.push({
          partNumber: part.PartNumber,
          etag: part.ETag,
          ...(part.Size === undefined ? {} : { size: part.Size }),
          ...(part.ChecksumSHA256 ? { checksum: part.ChecksumSHA256 } : {}),
        });
      }
    }
    if (!listed.IsTruncated || !listed.NextPartNumberMarker) break;
    marker = listed.NextPartNumberMarker;
  }
  return { parts };
}

/** `multipart/complete`: assemble the parts at the pending key, then complete as a single upload does. */
export async function completeMultipart<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const { pendingKey, uploadId, claims } = await session(ctx, call);
  const stored = await rememberedAnswer(ctx, claims);
  if (stored) return stored.value;
  const parts = call.body.parts;
  const count = Math.max(1, Math.ceil(claims.size / claims.partSize));
  if (
    !Array.isArray(parts) ||
    parts.length === 0 ||
    parts.length > S3_LIMITS.maxParts ||
    !parts.every(
      (p) =>
        isRecord(p) &&
        Number.isInteger(p.partNumber) &&
        typeof p.etag === 'string' &&
        p.etag.length <= 128 &&
        (p.checksum === undefined || (typeof p.checksum === 'string' && SHA256_BASE64.test(p.checksum))),
    )
  ) {
    throw badRequest('"parts" must list { partNumber, etag, checksum? } for every part.');
  }
  const sorted = [...(parts as Array<{ partNumber: number; etag: string; checksum?: string }>)].sort(
    (a, b) => a.partNumber - b.partNumber,
  );
  // Exactly the parts the file is made of, each once: storage would assemble a list with a
  // part twice (MinIO does) into an object of the right size holding the wrong bytes.
  if (sorted.length !== count || sorted.some((p, index) => p.partNumber !== index + 1)) {
    throw new HttpError(
      400,
      'invalid-part',
      `This file is ${count} part${count === 1 ? '' : 's'}: list parts 1 to ${count}, each once. Upload the missing parts and complete again.`,
    );
  }
  try {
    await ctx.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: pendingKey,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: sorted.map((p) => ({
            PartNumber: p.partNumber,
            ETag: p.etag,
            ...(p.checksum ? { ChecksumSHA256: p.checksum } : {}),
          })),
        },
      }),
    );
  } catch (error) {
    const name = isRecord(error) ? error.name : undefined;
    // NoSuchUpload: a retried complete whose first attempt assembled the object; the pending
    // object (or the final one) tells what happened next.
    if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
      // A code of its own: the client lists the parts storage holds and sends the others again.
      throw new HttpError(
        400,
        'invalid-part',
        'Storage refused the parts of this upload (missing, reordered or too small). Upload it again.',
      );
    }
    if (name !== 'NoSuchUpload') throw storageError(error);
  }
  const file = isRecord(call.body.file) ? readFile(call.body) : { name: '', metadata: undefined };
  return completeOnce(
    ctx,
    { claims, user: call.user, file, request: call.request, source: 'client' },
    call.started,
  );
}

/**
 * `multipart/abort`: accepted with an expired token, so an owner can always clean up. An upload
 * that already has an outcome (completed, or refused) has nothing left to abort: it answers 204
 * and reports no `aborted` event, which an app could act on for a completed file.
 */
export async function abortMultipart<TUser>(ctx: HandlerContext<TUser>, call: OperationCall<TUser>) {
  const { key, pendingKey, uploadId, claims } = await session(ctx, call, true);
  if (await hasOutcome(ctx, claims)) return undefined;
  try {
    await ctx.s3.send(
      new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: pendingKey, UploadId: uploadId }),
    );
  } catch (error) {
    // Already gone is as good as aborted.
    if (!(isRecord(error) && error.name === 'NoSuchUpload')) throw storageError(error);
  }
  ctx.emit({ type: 'aborted', userId: call.userId, key, ms: ctx.now() - call.started });
  return undefined;
}
