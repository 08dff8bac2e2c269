import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HttpError } from './httpError';

/** Bytes read from the start of an object to recognise its type (file-type's own minimum). */
const SNIFF_BYTES = 4100;

// Declared types that are only containers or "unknown": any content may carry them.
const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/x-www-form-urlencoded',
  '',
]);

export interface VerifyOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  /** Size declared when the upload was signed. */
  size: number;
  /** Type declared when the upload was signed. */
  type: string;
  sniff: boolean;
}

/**
 * Checks an uploaded object against what was declared when its URL was signed: its size as
 * storage reports it (the signed URL or CreateMultipartUpload fixed its type), then its first
 * bytes (magic numbers) against the declared type.
 * On a mismatch the object is deleted, so nothing unverified stays in the bucket.
 */
export async function verifyObject({ s3, bucket, key, size, type, sniff }: VerifyOptions): Promise<void> {
  let head;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) {
      throw new HttpError(404, 'not-found', 'No uploaded file was found. Upload it again.');
    }
    throw new HttpError(502, 'storage-error', 'Storage did not answer. Try again in a moment.');
  }
  const remove = () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);

  if (head.ContentLength !== size) {
    await remove();
    throw new HttpError(
      400,
      'size-mismatch',
      `The uploaded file is ${head.ContentLength ?? 0} bytes but ${size} were announced. Upload it again.`,
    );
  }
  if (!sniff || size === 0) return;

  const { fileTypeFromBuffer, supportedMimeTypes } = await import('file-type/core');
  let bytes: Uint8Array;
  try {
    const range = `bytes=0-${SNIFF_BYTES - 1}`;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array(0);
  } catch {
    throw new HttpError(502, 'storage-error', 'Storage did not answer. Try again in a moment.');
  }
  const detected = (await fileTypeFromBuffer(bytes))?.mime;
  const declared = type.toLowerCase().split(';')[0]?.trim() ?? '';
  const recognisable = supportedMimeTypes.has(declared as never);

  // A type file-type can recognise must be recognised as itself. Any other declared type must
  // not turn out to be something recognisable (an executable sent as text/plain).
  const mismatch = recognisable
    ? detected !== declared
    : detected !== undefined && !GENERIC_TYPES.has(declared) && !compatible(declared, detected);
  if (mismatch) {
    await remove();
    throw new HttpError(
      415,
      'content-mismatch',
      `The file's content is ${detected ?? 'not recognisable'}, not ${declared || 'the declared type'}. It was removed.`,
    );
  }
}

/** Declared types that name the same content as file-type's answer under another name. */
function compatible(declared: string, detected: string): boolean {
  // e.g. text/xml vs application/xml, image/jpg vs image/jpeg.
  const alias: Record<string, string> = {
    'image/jpg': 'image/jpeg',
    'text/xml': 'application/xml',
    'audio/mp3': 'audio/mpeg',
  };
  return (alias[declared] ?? declared) === detected;
}
