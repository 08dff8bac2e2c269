import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { afterAll, expect, inject } from 'vitest';
import {
  createUploadHandler,
  type CompletedUpload,
  type RateLimiter,
  type UploadEvent,
  type UploadHandlerConfig,
} from '../../../src/server/index';
import { objectSha256, pattern, sha256, testS3 } from '../s3';

export { objectSha256, pattern, sha256 };

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const { bucket } = inject('minio');
export const s3 = testS3();
afterAll(() => s3.destroy());

const SECRET = 'security-suite-secret-that-is-at-least-32-bytes';
/** The app's origin: every control call is made to it, so "same origin" has one meaning. */
export const APP_ORIGIN = 'https://app.example';

export type User = { id: string };

/** Options of the rewritten server that today's `UploadHandlerConfig` may not have yet. */
export interface NewServerOptions {
  /** @default 'pending/' */
  pendingPrefix?: string;
  contentDisposition?: 'attachment';
  allowedOrigins?: readonly string[];
  getClientAddress?: (request: Request) => string | null | undefined;
  addressRateLimit?: RateLimiter;
}

export type SecurityConfig = Omit<UploadHandlerConfig<User>, keyof NewServerOptions | 'authorize'> &
  NewServerOptions & { authorize?: UploadHandlerConfig<User>['authorize'] };

export interface CallOptions {
  /** The signed-in user (header `x-user`); `null` for an anonymous call. Default: the handler's user. */
  user?: string | null;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** `content-type` of the call; `null` sends none. Default `application/json`. */
  contentType?: string | null;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // Parsed JSON, or the raw text when the answer is not JSON: a harness never throws on a body.
  body: any;
}

/**
 * A handler for one fresh user, so every test owns its own key prefix in the shared bucket. Counts
 * `authorize` calls and `onComplete` runs; `onComplete` answers with its ordinal (`n`), so a retried
 * `complete` that re-ran it is visible in the answer.
 */
export function handlerFor(
  overrides: Partial<Omit<SecurityConfig, 'onComplete'>> = {},
  {
    onCompleteDelayMs = 0,
    appCheck,
  }: {
    onCompleteDelayMs?: number;
    /** The app's own check in `onComplete` (a virus scan): throws to refuse the file. */
    appCheck?: (upload: CompletedUpload<User>) => void;
  } = {},
) {
  const user = `u${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const events: UploadEvent[] = [];
  const completions: CompletedUpload<User>[] = [];
  const counts = { authorize: 0 };
  const config: SecurityConfig = {
    s3,
    bucket,
    secret: SECRET,
    rateLimit: false,
    onEvent: (event) => events.push(event),
    onComplete: async (upload) => {
      completions.push(upload);
      appCheck?.(upload);
      const n = completions.length;
      // A slow onComplete (a database write) widens the window for parallel completes.
      if (onCompleteDelayMs) await new Promise((resolve) => setTimeout(resolve, onCompleteDelayMs));
      return { key: upload.key, size: upload.size, contentType: upload.contentType, n };
    },
    ...overrides,
    authorize: (request) => {
      counts.authorize++;
      if (overrides.authorize) return overrides.authorize(request);
      const id = request.headers.get('x-user');
      return id ? { id } : null;
    },
  };
  // The cast is the only place the new options meet today's type.
  const handler = createUploadHandler<User>(config as unknown as UploadHandlerConfig<User>);
  const pendingPrefix = overrides.pendingPrefix ?? 'pending/';

  async function call(op: string, body: unknown, options: CallOptions = {}): Promise<CallResult> {
    const who = options.user === undefined ? user : options.user;
    const headers: Record<string, string> = {};
    if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
    if (who) headers['x-user'] = who;
    Object.assign(headers, options.headers);
    // Bytes, not a string: a string body would make Request add `text/plain` by itself.
    const response = await handler(
      new Request(`${APP_ORIGIN}/api/upload/${op}`, {
        method: 'POST',
        headers,
        body: new TextEncoder().encode(JSON.stringify(body)),
      }),
    );
    return { status: response.status, headers: response.headers, body: parse(await response.text()) };
  }

  /** Keys anywhere in the bucket that belong to this user (final, pending, or anywhere else). */
  const stored = () => keysContaining(user);
  const pendingOf = (key: string) => `${pendingPrefix}${key}`;

  return { handler, call, user, events, completions, counts, stored, pendingOf, pendingPrefix };
}

export type Harness = ReturnType<typeof handlerFor>;

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A PUT as a browser would send it: `Host` and `Content-Length` come from the request itself. */
export async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const sent = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !['host', 'content-length'].includes(name.toLowerCase())),
  );
  const response = await fetch(url, { method: 'PUT', body, headers: sent });
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

/** A header of a presign answer's `headers`, whatever its case. */
export function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

/** The headers a presigned URL signs (`X-Amz-SignedHeaders`), lower-case. */
export function signedHeadersOf(url: string): string[] {
  return (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
}

/** The object key a path-style presigned URL points at. */
export function keyOfUrl(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  expect(path.startsWith(`/${bucket}/`), `path-style URL in ${bucket}`).toBe(true);
  return path.slice(bucket.length + 2);
}

export const keyPattern = (user: string, ext: string) =>
  new RegExp(
    `^uploads/${user}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${ext.replace('.', '\\.')}$`,
  );

export async function keysContaining(text: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  // Bounded: the suite stores a few hundred objects at most.
  for (let page = 0; page < 50; page++) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(listed.Contents ?? []).map((o) => o.Key!).filter((key) => key.includes(text)));
    if (!listed.IsTruncated) break;
    token = listed.NextContinuationToken;
  }
  return keys.sort();
}

/** Open multipart uploads anywhere in the bucket whose key contains `text`. */
export async function openUploadsContaining(text: string): Promise<string[]> {
  const keys: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < 50; page++) {
    const listed = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    keys.push(...(listed.Uploads ?? []).map((u) => u.Key!).filter((key) => key.includes(text)));
    if (!listed.IsTruncated) break;
    keyMarker = listed.NextKeyMarker;
    uploadIdMarker = listed.NextUploadIdMarker;
  }
  return keys.sort();
}

/** A refused call: no URL, no upload id, and nothing of this user's in the bucket. */
export async function expectNothingSigned(h: Harness, response: CallResult) {
  expect(response.body?.url, 'no URL in the answer').toBeUndefined();
  expect(response.body?.uploadId, 'no upload id in the answer').toBeUndefined();
  await expectNothingStored(h);
}

/** Nothing of this user's in the bucket: no object under any prefix, no open multipart upload. */
export async function expectNothingStored(h: Harness) {
  expect(await h.stored(), 'objects of this user').toEqual([]);
  expect(await openUploadsContaining(h.user), 'open multipart uploads of this user').toEqual([]);
}

/** Makes a string with control, bidi or non-ASCII characters printable in a test name. */
export function shown(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function headOf(key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return undefined;
    throw error;
  }
}

export async function tagsOf(key: string) {
  const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return tagging.TagSet ?? [];
}

/** Parts storage holds for a multipart upload, or `undefined` when the upload does not exist. */
export async function partsOf(key: string, uploadId: string) {
  try {
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    return (listed.Parts ?? []).map((p) => ({ partNumber: p.PartNumber!, size: p.Size! }));
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchUpload') return undefined;
    throw error;
  }
}

/**
 * The final object carries nothing the uploader could have set, and the server's type and disposition
 * (`disposition`: a pattern, or the exact value the URL was signed with).
 */
export async function expectServerMetadataOnly(
  key: string,
  contentType: string,
  disposition: RegExp | string,
) {
  const head = await headOf(key);
  expect(head, `an object at ${key}`).toBeDefined();
  // What the uploader could have added first, then what the server chose.
  expect({
    cacheControl: head!.CacheControl,
    expires: head!.ExpiresString,
    contentLanguage: head!.ContentLanguage,
    contentEncoding: head!.ContentEncoding,
    websiteRedirect: head!.WebsiteRedirectLocation,
    metadata: head!.Metadata ?? {},
    tagCount: head!.TagCount ?? 0,
  }).toEqual({
    cacheControl: undefined,
    expires: undefined,
    contentLanguage: undefined,
    contentEncoding: undefined,
    websiteRedirect: undefined,
    metadata: {},
    tagCount: 0,
  });
  expect([undefined, 'STANDARD']).toContain(head!.StorageClass);
  expect(await tagsOf(key)).toEqual([]);
  expect(head!.ContentType).toBe(contentType);
  if (typeof disposition === 'string') expect(head!.ContentDisposition).toBe(disposition);
  else expect(head!.ContentDisposition ?? '(absent)').toMatch(disposition);
}

export const INLINE = /^inline(;|$)/;
export const ATTACHMENT = /^attachment(;|$)/;

export const file = (size: number, name = 'photo.png', type = 'image/png') => ({ name, size, type });

// ---- Bytes -------------------------------------------------------------------------------------

/** A real 1x1 PNG (from tests/e2e/server.test.ts). */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function padded(head: Uint8Array, size: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = pattern(Math.max(size, head.length), seed);
  bytes.set(head);
  return bytes;
}

const ascii = (text: string) => new TextEncoder().encode(text);

/** A real PNG, padded with pseudo-random bytes after IEND. */
export const png = (size = 2000, seed = 1) => padded(PNG_1X1, size, seed);

/** An ELF64 x86-64 executable header. */
export function elf(size = 2000): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // magic, 64-bit, little-endian, v1, System V
  header.set([2, 0, 0x3e, 0, 1, 0, 0, 0], 16); // ET_EXEC, x86-64, EV_CURRENT
  header.set([64, 0], 52); // e_ehsize
  return padded(header, size, 7);
}

/** A Windows PE (`MZ`) header. */
export function pe(size = 2000): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(0x80);
  header.set(ascii('MZ'));
  header.set([0x40, 0, 0, 0], 0x3c);
  header.set(ascii('PE\0\0'), 0x40);
  return padded(header, size, 8);
}

/** A JPEG (JFIF) start. */
export const jpeg = (size = 2000) =>
  padded(
    new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    size,
    9,
  );

/** A PDF. */
export const pdf = (size = 2000) =>
  padded(
    ascii('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
    size,
    10,
  );

/** A ZIP local file header. */
export const zip = (size = 2000) =>
  padded(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, ...ascii('evil.html')]), size, 11);

function text(content: string, size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.max(size, content.length)).fill(0x20);
  bytes.set(ascii(content));
  return bytes;
}

export const HTML_ATTACK =
  '<!doctype html><html><body><script>fetch("/steal?c="+document.cookie)</script></body></html>';

/** HTML that runs a script when a browser renders it. */
export const html = (size = 2000) => text(HTML_ATTACK, size);

/** An SVG that runs a script when a browser renders it. */
export const svg = (size = 2000) =>
  text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>', size);

export const javascript = (size = 2000) => text('alert(document.domain);', size);

/** GIF header that is also valid JavaScript: `GIF89a/*...*\/=alert(1)//`. */
export function gifJsPolyglot(size = 2000): Uint8Array<ArrayBuffer> {
  const bytes = text('', size);
  // Logical screen 0x2f2a by 1; one 1x1 image; trailer; then the script after the comment closes.
  const image = [
    0x01, 0x00, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0,
    0x3b,
  ];
  bytes.set([...ascii('GIF89a/*'), ...image, ...ascii('*/=alert(document.domain);//')]);
  return bytes;
}

/** A real PNG followed by an HTML document with a script, after IEND. */
export function pngHtmlPolyglot(size = 2000): Uint8Array<ArrayBuffer> {
  const bytes = text('', size);
  bytes.set(PNG_1X1);
  bytes.set(ascii(HTML_ATTACK), PNG_1X1.length);
  return bytes;
}

// ---- Flows -------------------------------------------------------------------------------------

/** presign, then PUT `bytes` with exactly the headers the server returned. */
export async function presignAndPut(
  h: Harness,
  descriptor: { name: string; size: number; type: string },
  bytes: Uint8Array<ArrayBuffer>,
  extraHeaders: Record<string, string> = {},
) {
  const presigned = await h.call('presign', { file: descriptor });
  expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
  const stored = await put(presigned.body.url, bytes, { ...presigned.body.headers, ...extraHeaders });
  return { presigned: presigned.body, stored };
}

export const completeBody = (
  presigned: { key: string; token: string },
  descriptor: { name: string; size: number; type: string },
  etag?: string | null,
) => ({ key: presigned.key, token: presigned.token, file: descriptor, ...(etag ? { etag } : {}) });

/**
 * multipart/create (with the wished part size), sign-parts for every part, and the part PUTs with the
 * headers each part URL came with. The part size is the one the server answered, else the wish.
 */
export async function multipartPut(
  h: Harness,
  descriptor: { name: string; size: number; type: string },
  bytes: Uint8Array<ArrayBuffer>,
  wish = 5 * MiB,
) {
  const created = await h.call('multipart/create', { file: descriptor, partSize: wish });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const partSize: number = created.body.partSize ?? wish;
  const session = { uploadId: created.body.uploadId, key: created.body.key, token: created.body.token };
  const count = Math.max(1, Math.ceil(bytes.length / partSize));
  const partNumbers = Array.from({ length: count }, (_, i) => i + 1);
  const signed = await h.call('multipart/sign-parts', { ...session, partNumbers });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  const parts: Array<{ partNumber: number; etag: string }> = [];
  for (const entry of signed.body.parts as Array<{
    partNumber: number;
    url: string;
    headers?: Record<string, string>;
  }>) {
    const start = (entry.partNumber - 1) * partSize;
    const stored = await put(entry.url, bytes.slice(start, start + partSize), entry.headers);
    expect(stored.status, stored.text).toBe(200);
    parts.push({ partNumber: entry.partNumber, etag: stored.etag! });
  }
  parts.sort((a, b) => a.partNumber - b.partNumber);
  return { created: created.body, session, parts, partSize, urls: signed.body.parts };
}

/** A limiter that allows `limit` calls per key, and remembers the keys it was asked about. */
export function countingLimiter(limit: number, retryAfterMs = 1500) {
  const counts = new Map<string, number>();
  const asked: string[] = [];
  return {
    asked,
    consume(key: string) {
      asked.push(key);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { allowed: n <= limit, retryAfterMs: n <= limit ? 0 : retryAfterMs };
    },
  };
}
