import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startMinio, type RunningMinio } from '../../demo/minio';
import { s3ClientFor } from '../../demo/s3Client';
import {
  createUploadHandler,
  storageEventWebhook,
  toNodeHandler,
  type CompletedUpload,
  type StorageEventResult,
  type UploadHandler,
} from '../../src/server/index';
import { png } from './security/harness';
import { sha256 } from './s3';

// issue 11: completion that does not trust the browser. MinIO's webhook notifications reach
// `storageEventWebhook`; an upload whose browser never called `complete` is verified and
// completed anyway, and `onComplete` runs once per object whichever comes first.

type User = { id: string };

const BUCKET = 'upkit-events';
const AUTH_TOKEN = randomBytes(24).toString('hex');
const ORIGIN = 'https://app.example';

let minio: RunningMinio;
let s3: S3Client;
let webhook: Server;
let handler: UploadHandler;
const completions: CompletedUpload<User>[] = [];
const deliveries: StorageEventResult[] = [];

beforeAll(async () => {
  // The webhook listens first: MinIO checks its targets when it starts.
  const port = await freePort();
  let onEvent: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  webhook = createServer(
    toNodeHandler(async (request) => {
      const response = await onEvent(request);
      if (response.ok) deliveries.push((await response.clone().json()) as StorageEventResult);
      return response;
    }),
  );
  await new Promise<void>((resolve) => webhook.listen(port, '127.0.0.1', resolve));
  minio = await startMinio({
    env: {
      MINIO_NOTIFY_WEBHOOK_ENABLE_UPKIT: 'on',
      MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPKIT: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/events`,
      MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPKIT: AUTH_TOKEN,
    },
  });
  s3 = s3ClientFor(minio);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            QueueArn: 'arn:minio:sqs::UPKIT:webhook',
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'pending/' }] } },
          },
        ],
      },
    }),
  );
  handler = createUploadHandler<User>({
    s3,
    bucket: BUCKET,
    secret: randomBytes(48),
    rateLimit: false,
    authorize: (request) => {
      const id = request.headers.get('x-user');
      return id ? { id } : null;
    },
    storageEvents: true,
    userFromId: (id) => ({ id }),
    onComplete: (upload) => {
      completions.push(upload);
      return { key: upload.key, n: completions.length };
    },
  });
  onEvent = storageEventWebhook(handler, { authToken: AUTH_TOKEN });
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await minio?.stop();
  webhook?.closeAllConnections();
  await new Promise((resolve) => webhook?.close(resolve));
});

async function call(op: string, body: unknown, user = 'alice') {
  const response = await handler(
    new Request(`${ORIGIN}/api/upload/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': user },
      body: new TextEncoder().encode(JSON.stringify(body)),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Presigns a PNG of `bytes.length` and PUTs `bytes` to its URL, as a browser would. */
async function presignAndPut(bytes: Uint8Array<ArrayBuffer>, name = 'holiday photo.png') {
  const file = { name, size: bytes.byteLength, type: 'image/png' };
  const signed = await call('presign', { file });
  expect(signed.status).toBe(200);
  const stored = await fetch(signed.body.url, { method: 'PUT', body: bytes, headers: signed.body.headers });
  expect(stored.status).toBe(200);
  return { file, key: signed.body.key as string, token: signed.body.token as string };
}

/** Waits (at most 10 s) until a delivered notification mentions `key`. */
async function deliveryFor(key: string): Promise<StorageEventResult> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = deliveries.find(
      (d) => d.completed.includes(key) || d.refused.some((r) => r.key === key) || d.ignored > 0,
    );
    if (found && (found.completed.includes(key) || found.refused.some((r) => r.key === key))) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no storage event completed or refused ${key} within 10 s`);
}

async function objectBytes(key: string): Promise<Uint8Array | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await object.Body!.transformToByteArray();
  } catch {
    return undefined;
  }
}

const onCompleteRunsFor = (key: string) => completions.filter((upload) => upload.key === key);

describe('completion from storage events', () => {
  it('verifies and completes an upload whose page closed before `complete`, once', async () => {
    const bytes = png(3000, 11);
    const { file, key, token } = await presignAndPut(bytes);
    // The browser never calls `complete`: MinIO's notification does the work.
    await deliveryFor(key);
    const runs = onCompleteRunsFor(key);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ source: 'storage-event', userId: 'alice', user: { id: 'alice' } });
    expect(runs[0]?.fileName).toBe('holiday photo.png');
    expect(sha256((await objectBytes(key))!)).toBe(sha256(bytes));
    expect(await objectBytes(`pending/${key}`)).toBeUndefined();

    // The browser comes back (a retried call after a reconnect): same answer, no second run.
    const late = await call('complete', { key, token, file });
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ key, n: completions.indexOf(runs[0]!) + 1 });
    expect(onCompleteRunsFor(key)).toHaveLength(1);
  });

  it("runs onComplete once when the browser's complete comes first", async () => {
    const bytes = png(2500, 12);
    const { file, key, token } = await presignAndPut(bytes);
    const done = await call('complete', { key, token, file });
    expect(done.status).toBe(200);
    // Let the notification of the PUT arrive and be handled (it finds the upload completed).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const runs = onCompleteRunsFor(key);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.source).toBe('client');
    expect(sha256((await objectBytes(key))!)).toBe(sha256(bytes));
  });

  it('completes a file whose long name is cut inside an emoji, with the name kept readable', async () => {
    const name = `${'a'.repeat(199)}😀.png`;
    const { key } = await presignAndPut(png(2200, 13), name);
    await deliveryFor(key);
    expect(onCompleteRunsFor(key)[0]?.fileName).toBe(`${'a'.repeat(199)}\ufffd`);
  });

  it('refuses bytes that are not the declared type, and stores nothing at the final key', async () => {
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>'.padEnd(2000, ' '));
    const { key } = await presignAndPut(html);
    const delivery = await deliveryFor(key);
    expect(delivery.refused).toContainEqual({ key, code: 'content-mismatch' });
    expect(onCompleteRunsFor(key)).toEqual([]);
    expect(await objectBytes(key)).toBeUndefined();
  });

  it('leaves alone an object put under the pending prefix without authentic upkit metadata', async () => {
    const key = `uploads/mallory/${randomBytes(8).toString('hex')}.png`;
    const before = deliveries.length;
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `pending/${key}`,
        Body: png(100),
        ContentType: 'image/png',
        Metadata: { 'upkit-user': 'mallory', 'upkit-token': 'v2.9999999999.100.0.aW1hZ2UvcG5n.forged' },
      }),
    );
    for (let attempt = 0; attempt < 200 && deliveries.length === before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(deliveries.slice(before)).toEqual([{ completed: [], ignored: 1, refused: [] }]);
    expect(onCompleteRunsFor(key)).toEqual([]);
    expect(await objectBytes(key)).toBeUndefined();
    // Still waiting for the lifecycle rule or sweepPending.
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `pending/${key}` }));
  });

  it('a record storage refuses to look at does not fail the notification: the good record completes', async () => {
    const bytes = png(2000, 14);
    const { key } = await presignAndPut(bytes);
    const record = (objectKey: string) => ({
      eventName: 's3:ObjectCreated:Put',
      s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(objectKey) } },
    });
    const result = await handler.handleStorageEvent({
      Records: [
        record(`pending/../${key}`), // dot segments: resolved or refused by storage
        record(`pending/uploads/${'a'.repeat(1100)}.png`), // over S3's 1,024-byte key limit: 400 on HEAD
        record(`pending/${key}`),
      ],
    });
    expect(result).toEqual({ completed: [key], ignored: 2, refused: [] });
    expect(sha256((await objectBytes(key))!)).toBe(sha256(bytes));
  });

  it('storage refusing a HEAD (403: rotated credentials) fails the notification, so storage delivers it again', async () => {
    const bytes = png(2000, 15);
    const { key } = await presignAndPut(bytes);
    const locked = createUploadHandler<User>({
      s3: s3ClientFor({ ...minio, secretAccessKey: 'wrong-secret' }),
      bucket: BUCKET,
      secret: randomBytes(48),
      authorize: () => null,
      storageEvents: true,
      userFromId: (id) => ({ id }),
    });
    await expect(
      locked.handleStorageEvent({
        Records: [
          {
            eventName: 's3:ObjectCreated:Put',
            s3: { bucket: { name: BUCKET }, object: { key: `pending/${key}` } },
          },
        ],
      }),
    ).rejects.toMatchObject({ status: 500 });
  });

  it('an SNS envelope whose Message nests deeper than 32 levels is refused before it is parsed', async () => {
    const deep = `{"Records":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expect(handler.handleStorageEvent({ Message: deep })).rejects.toMatchObject({ status: 400 });
  });

  it('answers only the storage that knows the token, and only S3 events', async () => {
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/events`;
    const post = (headers: Record<string, string>, body: string) =>
      fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const event = JSON.stringify({ Records: [] });
    expect((await post({}, event)).status).toBe(401);
    expect((await post({ authorization: `Bearer ${AUTH_TOKEN}x` }, event)).status).toBe(401);
    expect((await post({ authorization: `Bearer ${AUTH_TOKEN}` }, '{"hello":1}')).status).toBe(400);
    const empty = await post({ authorization: `Bearer ${AUTH_TOKEN}` }, event);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ completed: [], ignored: 0, refused: [] });
  });
});
