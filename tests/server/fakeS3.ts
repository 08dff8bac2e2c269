import type { S3Client } from '@aws-sdk/client-s3';

interface StoredObject {
  bytes: Uint8Array;
  type: string | undefined;
  etag: string;
}

interface Command {
  constructor: { name: string };
  input: Record<string, unknown>;
}

/** An error as the AWS SDK throws it: the status is where `storageStatus` reads it. */
function storageFailure(status: number, name: string): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

let etags = 0;
const nextEtag = () => `"etag-${++etags}"`;

/**
 * An in-memory stand-in for the S3 calls `complete` makes (HeadObject, ranged GetObject, a
 * multipart copy, DeleteObject), with S3's conditions (`If-Match`, `If-None-Match: *`). Every
 * request takes a few ms, so requests that overlap are seen overlapping: `maxInFlight` is the
 * most that were ever in flight at once.
 */
export function fakeS3() {
  const objects = new Map<string, StoredObject>();
  const uploads = new Map<
    string,
    { key: string; type: string | undefined; parts: Map<number, Uint8Array> }
  >();
  const stats = { inFlight: 0, maxInFlight: 0, calls: [] as string[] };
  let uploadIds = 0;

  async function answer({ constructor: { name }, input }: Command): Promise<unknown> {
    const key = String(input.Key);
    switch (name) {
      case 'HeadObjectCommand': {
        const object = objects.get(key);
        if (!object) throw storageFailure(404, 'NotFound');
        return { ContentLength: object.bytes.length, ContentType: object.type, ETag: object.etag };
      }
      case 'GetObjectCommand': {
        const object = objects.get(key);
        if (!object) throw storageFailure(404, 'NoSuchKey');
        if (input.IfMatch !== undefined && input.IfMatch !== object.etag) {
          throw storageFailure(412, 'PreconditionFailed');
        }
        const [, first = '0', last = `${object.bytes.length - 1}`] =
          /^bytes=(\d+)-(\d+)$/.exec(String(input.Range ?? '')) ?? [];
        const bytes = object.bytes.slice(Number(first), Number(last) + 1);
        return { Body: { transformToByteArray: async () => bytes } };
      }
      case 'CreateMultipartUploadCommand': {
        const uploadId = `upload-${++uploadIds}`;
        uploads.set(uploadId, { key, type: input.ContentType as string | undefined, parts: new Map() });
        return { UploadId: uploadId };
      }
      case 'UploadPartCopyCommand': {
        const upload = uploads.get(String(input.UploadId));
        // `bucket/key`, the key URL-encoded segment by segment.
        const source = String(input.CopySource).split('/').slice(1).map(decodeURIComponent).join('/');
        const object = objects.get(source);
        if (!upload || !object) throw storageFailure(404, 'NoSuchKey');
        if (input.CopySourceIfMatch !== object.etag) throw storageFailure(412, 'PreconditionFailed');
        const [, first = '0', last = `${object.bytes.length - 1}`] =
          /^bytes=(\d+)-(\d+)$/.exec(String(input.CopySourceRange ?? '')) ?? [];
        upload.parts.set(Number(input.PartNumber), object.bytes.slice(Number(first), Number(last) + 1));
        return { CopyPartResult: { ETag: nextEtag() } };
      }
      case 'CompleteMultipartUploadCommand': {
        const upload = uploads.get(String(input.UploadId));
        if (!upload) throw storageFailure(404, 'NoSuchUpload');
        if (input.IfNoneMatch === '*' && objects.has(key)) throw storageFailure(412, 'PreconditionFailed');
        const parts = [...upload.parts].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
        const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
        let offset = 0;
        for (const part of parts) {
          bytes.set(part, offset);
          offset += part.length;
        }
        objects.set(key, { bytes, type: upload.type, etag: nextEtag() });
        uploads.delete(String(input.UploadId));
        return {};
      }
      case 'AbortMultipartUploadCommand':
        uploads.delete(String(input.UploadId));
        return {};
      case 'DeleteObjectCommand':
        objects.delete(key);
        return {};
      default:
        throw new Error(`fakeS3 does not answer ${name}`);
    }
  }

  const client = {
    config: { requestChecksumCalculation: async () => 'WHEN_REQUIRED' },
    async send(command: Command) {
      stats.calls.push(command.constructor.name);
      stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await answer(command);
      } finally {
        stats.inFlight--;
      }
    },
  };

  return {
    client: client as unknown as S3Client,
    objects,
    stats,
    /** Puts bytes at a key, as a browser's PUT to a presigned URL does. */
    put(key: string, bytes: Uint8Array, type?: string) {
      objects.set(key, { bytes, type, etag: nextEtag() });
    },
  };
}
