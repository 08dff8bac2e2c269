import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createUploader } from '../../src/createUploader';
import { storageError } from '../../src/core/storageError';
import type { Transport } from '../../src/core/types';
import { createUploadHandler, toNodeHandler } from '../../src/server/index';
import { objectSha256, pattern, sha256, testS3 } from './s3';

// The real path outside a browser: the client's engine and httpBackend against upkit/server on
// a loopback port, parts PUT with fetch to MinIO.
const MiB = 1024 * 1024;
const { bucket } = inject('minio');
const s3 = testS3();
let server: Server;
let endpoint: string;
let clockOffset = 0;
let created = 0;

const fetchTransport: Transport = async ({ url, headers, body, signal, onProgress }) => {
  const response = await fetch(url, { method: 'PUT', headers, body, signal });
  const text = await response.text();
  if (!response.ok) throw storageError(response.status, text, response.headers.get('retry-after'));
  onProgress(body.size);
  return { status: response.status, etag: response.headers.get('etag') ?? undefined };
};

beforeAll(async () => {
  const handler = createUploadHandler({
    s3,
    bucket,
    secret: 'recovery-test-secret-at-least-32-bytes!',
    authorize: () => ({ id: 'recovery' }),
    sniffContent: false,
    uploadTokenTtl: 3600,
    // After the first upload is opened, the server's clock jumps past its token's life: the
    // long pause of a user who came back the next day.
    now: () => Date.now() + clockOffset,
    onEvent: (event) => {
      if (event.type === 'signed' && event.operation === 'multipart/create' && ++created === 1) {
        clockOffset = 2 * 3600 * 1000;
      }
    },
  });
  server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  s3.destroy();
});

it('a token that expired mid-upload: the dead upload is aborted and a new one completes byte for byte', async () => {
  const uploader = createUploader({
    endpoint,
    mode: 'multipart',
    partSize: 5 * MiB,
    transport: fetchTransport,
    resumeStorage: false,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  const bytes = pattern(11 * MiB, 42);
  const [item] = await uploader.upload([new File([bytes], 'next-day.bin')]);
  expect(item?.error?.message).toBeUndefined();
  expect(item?.status).toBe('done');
  expect(created).toBe(2);
  expect(await objectSha256(s3, bucket, item!.key!)).toBe(sha256(bytes));
  // The first upload was aborted with its expired token: nothing of it is left open.
  await expect
    .poll(async () => {
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (listed.Uploads ?? []).filter((upload) => upload.Key?.includes('/recovery/')).length;
    })
    .toBe(0);
});

it('an onComplete slower than the client timeout: the retries wait for it, it runs once, the file is done', async () => {
  let runs = 0;
  const handler = createUploadHandler({
    s3,
    bucket,
    secret: 'recovery-test-secret-at-least-32-bytes!',
    authorize: () => ({ id: 'slow' }),
    onComplete: async ({ key }) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { saved: key };
    },
  });
  const slow = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const uploader = createUploader({
      endpoint: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/api/upload`,
      mode: 'single',
      transport: fetchTransport,
      timeoutMs: 400,
      retry: { retries: 6, baseDelayMs: 50, maxDelayMs: 200 },
    });
    const bytes = pattern(2000, 7);
    bytes.set([0x25, 0x50, 0x44, 0x46, 0x2d]); // %PDF-
    const [item] = await uploader.upload([new File([bytes], 'slow.pdf', { type: 'application/pdf' })]);
    expect(item?.error?.message).toBeUndefined();
    expect(item?.result).toEqual({ saved: item?.key });
    expect(runs).toBe(1);
    expect(await objectSha256(s3, bucket, item!.key!)).toBe(sha256(bytes));
  } finally {
    await new Promise((resolve) => slow.close(resolve));
  }
});
