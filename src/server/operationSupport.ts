import { S3_LIMITS } from '../core/chunkPlan';
import type { HandlerContext } from './config';
import { HttpError } from './httpError';
import { parseMediaType, resolveStoredType, type StoredType } from './mediaType';
import { badRequest, displayName, sizeMessage, type FileInput } from './requestInput';

/** A base64 SHA-256 digest: 32 bytes, as S3's `x-amz-checksum-sha256`. */
export const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** One authorized call to an operation. */
export interface OperationCall<TUser> {
  request: Request;
  user: TUser;
  userId: string;
  body: Record<string, unknown>;
  started: number;
}

const checked = new WeakSet<object>();

/** The SDK's default (since 3.729) signs an empty-body CRC32 that real S3 rejects. */
export async function signingReady<TUser>(ctx: HandlerContext<TUser>): Promise<void> {
  if (checked.has(ctx)) return;
  const mode = await ctx.s3.config.requestChecksumCalculation?.();
  if (mode !== undefined && mode !== 'WHEN_REQUIRED') {
    throw new HttpError(
      500,
      'server-misconfigured',
      "The upload server's S3 client must be created with requestChecksumCalculation: 'WHEN_REQUIRED'.",
    );
  }
  checked.add(ctx);
}

/** Size and type rules, checked before anything is signed; returns the type to store. */
export function checkFile<TUser>(
  ctx: HandlerContext<TUser>,
  file: FileInput,
  multipart: boolean,
): StoredType {
  const limit = Math.min(ctx.maxFileSize, multipart ? S3_LIMITS.maxObjectSize : 5 * 1024 * 1024 * 1024);
  if (file.size > limit)
    throw new HttpError(413, 'file-too-large', sizeMessage(file.name, file.size, limit, 'max'));
  if (file.size < ctx.minFileSize) {
    throw new HttpError(400, 'file-too-small', sizeMessage(file.name, file.size, ctx.minFileSize, 'min'));
  }
  const essence = file.type === '' ? '' : parseMediaType(file.type);
  if (essence === undefined) {
    throw badRequest(
      `"${displayName(file.name)}" has a malformed type; send one media type like "image/png".`,
    );
  }
  const stored = resolveStoredType(essence, file.name, ctx.allowed);
  if (!stored) {
    const accepted = ctx.allowed.length > 0 ? ` Accepted: ${ctx.allowed.join(', ')}.` : '';
    throw new HttpError(
      415,
      'file-type-not-allowed',
      `"${displayName(file.name)}" (${essence || 'unknown type'}) is not an accepted type.${accepted}`,
    );
  }
  return stored;
}

export function expiresAt<TUser>(ctx: HandlerContext<TUser>): string {
  return new Date(ctx.now() + ctx.expiresIn * 1000).toISOString();
}

/** The answer for a storage failure. Never echoes the SDK's message: it can hold the bucket, key or a signed URL. */
export function storageError(error: unknown): HttpError {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
  if (name === 'NoSuchUpload')
    return new HttpError(404, 'not-found', 'This upload no longer exists. Start it again.');
  return new HttpError(502, 'storage-error', 'Storage did not accept the request. Try again in a moment.');
}

export async function storageFailure<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(error);
  }
}
