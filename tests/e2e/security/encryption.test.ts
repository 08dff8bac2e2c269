import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { KMS_KEY_ID } from '../globalSetup';
import { testS3 } from '../s3';
import {
  bucket,
  handlerFor,
  headerOf,
  MiB,
  objectSha256,
  png,
  put,
  s3,
  sha256,
  signedHeadersOf,
  type Harness,
} from './harness';

// issue 11: `serverSideEncryption` is signed into single URLs (a PUT without the header is
// refused), set on multipart uploads, and kept by the copy to the final key.

const file = (size: number) => ({ name: 'photo.png', size, type: 'image/png' });

async function encryptionOf(key: string) {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { sse: head.ServerSideEncryption, kmsKeyId: head.SSEKMSKeyId };
}

async function uploadSingle(h: Harness, bytes: Uint8Array<ArrayBuffer>) {
  const signed = await h.call('presign', { file: file(bytes.byteLength) });
  expect(signed.status).toBe(200);
  const stored = await put(signed.body.url, bytes, signed.body.headers);
  expect(stored.status, stored.text).toBe(200);
  const done = await h.call('complete', {
    key: signed.body.key,
    token: signed.body.token,
    file: file(bytes.byteLength),
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return signed.body as { key: string; url: string; headers: Record<string, string> };
}

describe('server-side encryption', () => {
  it('stores a single upload with SSE-S3, and storage refuses a PUT without the signed header', async () => {
    const h = handlerFor({ serverSideEncryption: 'AES256' });
    const bytes = png(4096);
    const signed = await h.call('presign', { file: file(bytes.byteLength) });
    expect(headerOf(signed.body.headers, 'x-amz-server-side-encryption')).toBe('AES256');
    expect(signedHeadersOf(signed.body.url)).toContain('x-amz-server-side-encryption');
    // A PUT that leaves the header out does not match the signature.
    const { 'x-amz-server-side-encryption': _dropped, ...without } = signed.body.headers as Record<
      string,
      string
    >;
    const refused = await put(signed.body.url, bytes, without);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await h.stored()).toEqual([]);

    const { key } = await uploadSingle(h, bytes);
    expect(await encryptionOf(key)).toEqual({ sse: 'AES256', kmsKeyId: undefined });
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
  });

  it('stores a single upload with SSE-KMS under the configured key', async () => {
    const h = handlerFor({ serverSideEncryption: { kmsKeyId: KMS_KEY_ID } });
    const bytes = png(2048);
    const { key, headers } = await uploadSingle(h, bytes);
    expect(headerOf(headers, 'x-amz-server-side-encryption-aws-kms-key-id')).toBe(KMS_KEY_ID);
    const { sse, kmsKeyId } = await encryptionOf(key);
    expect(sse).toBe('aws:kms');
    expect(kmsKeyId).toContain(KMS_KEY_ID);
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
  });

  it('creates multipart uploads encrypted, and the final object stays encrypted', async () => {
    const h = handlerFor({ serverSideEncryption: 'AES256' });
    const bytes = png(5 * MiB + 1000);
    const created = await h.call('multipart/create', { file: file(bytes.byteLength), partSize: 5 * MiB });
    expect(created.status).toBe(200);
    const { uploadId, key, token, partSize } = created.body;
    const signed = await h.call('multipart/sign-parts', { uploadId, key, token, partNumbers: [1, 2] });
    expect(signed.status).toBe(200);
    const parts = [];
    for (const part of signed.body.parts as Array<{
      partNumber: number;
      url: string;
      headers?: Record<string, string>;
    }>) {
      const start = (part.partNumber - 1) * partSize;
      const stored = await put(part.url, bytes.slice(start, start + partSize), part.headers);
      expect(stored.status, stored.text).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: stored.etag });
    }
    const done = await h.call('multipart/complete', {
      uploadId,
      key,
      token,
      parts,
      file: file(bytes.byteLength),
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await encryptionOf(key)).sse).toBe('AES256');
    expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
  });

  it('keeps the encryption when the store copies without UploadPartCopy (plain CopyObject)', async () => {
    // A store that answers UploadPartCopy with 501, as some S3-compatible stores do.
    const plainStore = testS3();
    plainStore.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCopyCommand') {
          throw Object.assign(new Error('Not Implemented'), { name: 'NotImplemented' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const h = handlerFor({ s3: plainStore, serverSideEncryption: 'AES256' });
      const bytes = png(3000);
      const { key } = await uploadSingle(h, bytes);
      expect((await encryptionOf(key)).sse).toBe('AES256');
      expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
    } finally {
      plainStore.destroy();
    }
  });

  it('stores objects unencrypted when not configured', async () => {
    const h = handlerFor();
    const signed = await h.call('presign', { file: file(100) });
    expect(headerOf(signed.body.headers, 'x-amz-server-side-encryption')).toBeUndefined();
    const { key } = await uploadSingle(h, png(100));
    expect((await encryptionOf(key)).sse).toBeUndefined();
  });

  it('refuses an unusable setting when the handler is made', () => {
    expect(() => handlerFor({ serverSideEncryption: { kmsKeyId: '' } })).toThrow(/serverSideEncryption/);
    expect(() => handlerFor({ serverSideEncryption: 'aws:kms' as 'AES256' })).toThrow(/serverSideEncryption/);
  });
});
