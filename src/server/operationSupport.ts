import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { S3_LIMITS } from '../core/chunkPlan.js';
import type { HandlerContext } from './config.js';
import { HttpError } from './httpError.js';
import { parseMediaType, resolveStoredType, type StoredType } from './mediaType.js';
import { badRequest, displayName, sizeMessage, type FileInput } from './requestInput.js';

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

/** The build step of a command's middleware stack, as far as this file needs it. */
interface BuildStack {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; priority: 'low'; name: string },
  ): void;
}

/**
 * Signs only the checksum the client sent. The SDK's default since 3.729
 * (`requestChecksumCalculation: 'WHEN_SUPPORTED'`) adds a CRC32 of the empty body it is given
 * when presigning, which storage then checks against the real bytes and refuses. Removing the
 * SDK's own checksum headers here keeps presigned URLs right whatever the S3 client's setting.
 */
export function withClientChecksumOnly<T extends PutObjectCommand | UploadPartCommand>(command: T): T {
  const kept = command.input.ChecksumSHA256 === undefined ? undefined : 'x-amz-checksum-sha256';
  (command.middlewareStack as unknown as BuildStack).add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      const sdkOwn = (name: string) => {
        const lower = name.toLowerCase();
        return (
          (lower.startsWith('x-amz-checksum-') && lower !== kept) || lower === 'x-amz-sdk-checksum-algorithm'
        );
      };
      if (request.headers) {
        request.headers = Object.fromEntries(
          Object.entries(request.headers).filter(([name]) => !sdkOwn(name)),
        );
      }
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'upkitClientChecksumOnly' },
  );
  return command;
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
  if (essence.includes('*')) {
    throw badRequest(
      `"${displayName(file.name)}" declares a pattern (${essence}) as its type; send the file's own type, like "image/png".`,
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
