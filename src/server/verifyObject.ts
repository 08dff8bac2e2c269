import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HttpError } from './httpError.js';

/** Bytes read from the start of an object to recognise its type (file-type's own minimum). */
const SNIFF_BYTES = 4100;

// Declared types that are only containers or "unknown": any content may carry them.
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

export interface VerifyOptions {
  s3: S3Client;
  bucket: string;
  /** The pending key the bytes were uploaded to. */
  key: string;
  /** Size declared when the upload was signed. */
  size: number;
  /** Normalised type signed into the upload. */
  type: string;
  sniff: boolean;
}

/** `statusCode` of an AWS SDK error, when storage answered. */
export function storageStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

const unavailable = () =>
  new HttpError(502, 'storage-error', 'Storage did not answer. Try again in a moment.');

/**
 * Checks an uploaded (pending) object against what was declared when its URL was signed: its
 * size as storage reports it, then its first bytes (magic numbers) against the declared type.
 * On a mismatch the object is deleted. Returns the ETag of the exact bytes that were checked,
 * so the copy to the final key can insist on them (a second PUT meanwhile changes the ETag).
 * Resolves `undefined` when there is no pending object.
 */
export async function verifyObject({
  s3,
  bucket,
  key,
  size,
  type,
  sniff,
}: VerifyOptions): Promise<{ etag: string } | undefined> {
  let head;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (storageStatus(error) === 404) return undefined;
    throw unavailable();
  }
  const etag = head.ETag;
  if (!etag) throw unavailable();
  const remove = () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);

  if (head.ContentLength !== size) {
    await remove();
    throw new HttpError(
      400,
      'size-mismatch',
      `The uploaded file is ${head.ContentLength ?? 0} bytes but ${size} were announced. Upload it again.`,
    );
  }
  if (!sniff || size === 0) return { etag };

  const { fileTypeFromBuffer, supportedMimeTypes } = await import('file-type/core');
  let bytes: Uint8Array;
  try {
    const range = `bytes=0-${SNIFF_BYTES - 1}`;
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, IfMatch: etag }),
    );
    bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array(0);
  } catch (error) {
    if (storageStatus(error) === 412) throw changedMeanwhile();
    throw unavailable();
  }
  // The essence: file-type answers `audio/ogg; codecs=opus` for Opus.
  const detected = (await fileTypeFromBuffer(bytes))?.mime.split(';')[0]?.trim();
  const recognisable = supportedMimeTypes.has(type as never);

  // A type file-type can recognise must be recognised as itself. Any other declared type must
  // not turn out to be something recognisable (an executable sent as text/plain).
  const mismatch = recognisable
    ? detected === undefined || !compatible(type, detected)
    : detected !== undefined && !GENERIC_TYPES.has(type) && !compatible(type, detected);
  if (mismatch) {
    await remove();
    throw new HttpError(
      415,
      'content-mismatch',
      `The file's content is ${detected ?? 'not recognisable'}, not ${type}. It was removed.`,
    );
  }
  return { etag };
}

/** The pending object was replaced while it was being checked. */
export function changedMeanwhile(): HttpError {
  return new HttpError(
    409,
    'content-mismatch',
    'The uploaded file changed while it was being checked. Upload it again.',
  );
}

/** Names of one content, each to the name it is compared under. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'text/xml': 'application/xml',
  'audio/mp3': 'audio/mpeg',
  // M4A: browsers say audio/x-m4a or audio/mp4; file-type says audio/x-m4a.
  'audio/m4a': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
  'audio/wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-flac': 'audio/flac',
  // Opus travels in Ogg: file-type says audio/ogg (with codecs=opus).
  'audio/opus': 'audio/ogg',
  'image/vnd.microsoft.icon': 'image/x-icon',
  // One container (ISO-BMFF HEIF): iPhones write the heic brand, other cameras mif1 (heif).
  'image/heic': 'image/heif',
  'image/heic-sequence': 'image/heif',
  'image/heif-sequence': 'image/heif',
};
const canonical = (type: string) => ALIASES[type] ?? type;

/** Whether a declared type and file-type's answer name the same content. */
function compatible(declared: string, detected: string): boolean {
  // Every +xml type (image/svg+xml, application/rss+xml) is XML; file-type says so of one
  // with an `<?xml` prolog. Such types are active: allowed only by name, stored as attachments.
  if (declared.endsWith('+xml') && detected === 'application/xml') return true;
  return canonical(declared) === canonical(detected);
}
