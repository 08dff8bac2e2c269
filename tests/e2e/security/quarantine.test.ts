import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT,
  bucket,
  completeBody,
  elf,
  expectNothingStored,
  expectServerMetadataOnly,
  file,
  gifJsPolyglot,
  handlerFor,
  headOf,
  html,
  INLINE,
  keyOfUrl,
  MiB,
  multipartPut,
  objectSha256,
  openUploadsContaining,
  pattern,
  pdf,
  pe,
  png,
  pngHtmlPolyglot,
  presignAndPut,
  put,
  s3,
  sha256,
  zip,
} from './harness';

// Spec C: bytes land at `pendingPrefix + key`; complete verifies them (size, magic number), copies them
// to the key with server-chosen metadata only if the key is free, deletes the pending object, and
// runs onComplete once. A mismatch deletes the pending object; nothing ever appears at the key.

describe('C. single uploads are quarantined under the pending prefix until complete', () => {
  it.each([
    { pendingPrefix: undefined, expected: 'pending/' },
    { pendingPrefix: 'incoming/', expected: 'incoming/' },
  ])(
    'pendingPrefix $expected: the URL writes {prefix}{key}; nothing at the key before complete; afterwards only the key, with the bytes',
    async ({ pendingPrefix, expected }) => {
      const h = handlerFor(pendingPrefix ? { pendingPrefix } : {});
      const bytes = png();
      const descriptor = file(bytes.length);
      const presigned = await h.call('presign', { file: descriptor });
      expect(presigned.status).toBe(200);
      const key: string = presigned.body.key;
      expect(keyOfUrl(presigned.body.url)).toBe(`${expected}${key}`);
      expect(await h.stored(), 'presign alone stores nothing').toEqual([]);

      expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
      expect(await h.stored(), 'after the PUT, only the pending object').toEqual([`${expected}${key}`]);
      expect(await headOf(key)).toBeUndefined();

      const completed = await h.call('complete', completeBody(presigned.body, descriptor));
      expect(completed).toMatchObject({ status: 200, body: { key, n: 1 } });
      expect(await h.stored(), 'after complete, only the final object').toEqual([key]);
      expect(await objectSha256(s3, bucket, key)).toBe(sha256(bytes));
      expect(h.completions.map((c) => c.key)).toEqual([key]);
      await expectServerMetadataOnly(key, 'image/png', INLINE);
    },
  );

  it('multipart: the upload is opened at pending/{key}; nothing at the key before complete; afterwards only the key', async () => {
    const h = handlerFor();
    const bytes = png(4000);
    const descriptor = file(bytes.length);
    const { session, parts, urls } = await multipartPut(h, descriptor, bytes);
    expect(await openUploadsContaining(h.user)).toEqual([`pending/${session.key}`]);
    expect(keyOfUrl(urls[0].url)).toBe(`pending/${session.key}`);
    expect(await h.stored()).toEqual([]);

    const completed = await h.call('multipart/complete', { ...session, parts, file: descriptor });
    expect(completed).toMatchObject({ status: 200, body: { key: session.key, n: 1 } });
    expect(await h.stored()).toEqual([session.key]);
    expect(await openUploadsContaining(h.user)).toEqual([]);
    expect(await objectSha256(s3, bucket, session.key)).toBe(sha256(bytes));
    await expectServerMetadataOnly(session.key, 'image/png', INLINE);
  });
});

const MISMATCHES = [
  { what: 'an ELF executable declared image/png', bytes: elf, type: 'image/png', allowed: ['image/*'] },
  { what: 'an ELF executable declared text/plain', bytes: elf, type: 'text/plain', allowed: ['text/plain'] },
  {
    what: 'an ELF executable declared application/pdf',
    bytes: elf,
    type: 'application/pdf',
    allowed: ['application/pdf'],
  },
  { what: 'a Windows PE declared image/gif', bytes: pe, type: 'image/gif', allowed: ['image/*'] },
  { what: 'HTML with <script> declared image/png', bytes: html, type: 'image/png', allowed: ['image/*'] },
  { what: 'a PNG declared image/jpeg', bytes: png, type: 'image/jpeg', allowed: ['image/*'] },
  {
    what: 'a ZIP declared application/pdf',
    bytes: zip,
    type: 'application/pdf',
    allowed: ['application/pdf'],
  },
  { what: 'a PDF declared image/png', bytes: pdf, type: 'image/png', allowed: ['image/*'] },
];

describe('C. a sniffed mismatch deletes the pending object; nothing ever reaches the key', () => {
  it.each(MISMATCHES)(
    '$what → 415 content-mismatch; the key stayed empty before and after; pending deleted; onComplete not run',
    async ({ bytes, type, allowed }) => {
      const h = handlerFor({ allowedTypes: allowed });
      const body = bytes();
      const descriptor = file(body.length, 'upload.bin', type);
      const { presigned, stored } = await presignAndPut(h, descriptor, body);
      expect(stored.status).toBe(200);
      expect(await headOf(presigned.key), 'nothing at the key before complete').toBeUndefined();
      const completed = await h.call('complete', completeBody(presigned, descriptor));
      expect(completed).toMatchObject({ status: 415, body: { error: { code: 'content-mismatch' } } });
      await expectNothingStored(h);
      expect(h.completions).toEqual([]);
    },
  );

  it('multipart: an ELF declared image/png → 415 content-mismatch; nothing at the key, no pending object, no open upload', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const bytes = elf(4000);
    const descriptor = file(bytes.length);
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    const completed = await h.call('multipart/complete', { ...session, parts, file: descriptor });
    expect(completed).toMatchObject({ status: 415, body: { error: { code: 'content-mismatch' } } });
    await expectNothingStored(h);
    expect(h.completions).toEqual([]);
  });

  it('multipart: completing with the last part left out (5 MiB of 5 MiB + 10) → 400; nothing at the key', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const bytes = png(5 * MiB + 10);
    const descriptor = file(bytes.length);
    const { session, parts } = await multipartPut(h, descriptor, bytes, 5 * MiB);
    expect(parts).toHaveLength(2);
    const completed = await h.call('multipart/complete', {
      ...session,
      parts: parts.slice(0, 1),
      file: descriptor,
    });
    expect(completed.status).toBe(400);
    expect(completed.body.error.code, 'the parts are listed again, not the file refused').toBe(
      'invalid-part',
    );
    expect(await h.stored()).toEqual([]);
    expect(h.completions).toEqual([]);
    await h.call('multipart/abort', session);
  });
});

const PASSING_SNIFF = [
  {
    what: 'a GIF/JavaScript polyglot declared image/gif',
    bytes: gifJsPolyglot,
    type: 'image/gif',
    allowed: ['image/*'],
    disposition: INLINE,
  },
  {
    what: 'a PNG+HTML polyglot declared image/png',
    bytes: pngHtmlPolyglot,
    type: 'image/png',
    allowed: ['image/*'],
    disposition: INLINE,
  },
  {
    what: 'HTML with <script> declared text/plain',
    bytes: html,
    type: 'text/plain',
    allowed: ['text/plain'],
    disposition: INLINE,
  },
  {
    what: 'HTML with <script> declared application/octet-stream',
    bytes: html,
    type: 'application/octet-stream',
    allowed: ['*/*'],
    disposition: ATTACHMENT,
  },
  {
    what: 'an ELF declared application/octet-stream',
    bytes: elf,
    type: 'application/octet-stream',
    allowed: ['*/*'],
    disposition: ATTACHMENT,
  },
].map((row) => ({ ...row, shownDisposition: row.disposition === INLINE ? 'inline' : 'attachment' }));

describe('C. what the sniff cannot catch is defused by the stored type and disposition', () => {
  it.each(PASSING_SNIFF)(
    '$what → completes; stored exactly as $type, $shownDisposition, with no uploader metadata',
    async ({ bytes, type, allowed, disposition }) => {
      const h = handlerFor({ allowedTypes: allowed });
      const body = bytes();
      const descriptor = file(body.length, 'upload.html', type);
      const { presigned, stored } = await presignAndPut(h, descriptor, body);
      expect(stored.status).toBe(200);
      const completed = await h.call('complete', completeBody(presigned, descriptor));
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(await h.stored()).toEqual([presigned.key]);
      expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(body));
      await expectServerMetadataOnly(presigned.key, type, disposition);
    },
  );
});

describe('C. the copy to the key is conditional: it never replaces an object already there', () => {
  it('two uploads given the same key by a custom objectKey → the second complete leaves the first bytes', async () => {
    const h = handlerFor({ objectKey: ({ userId }) => `uploads/${userId}/fixed.png` });
    const [first, second] = [png(2000, 1), png(2000, 2)];
    const descriptor = file(2000);
    const a = await presignAndPut(h, descriptor, first);
    expect((await h.call('complete', completeBody(a.presigned, descriptor))).status).toBe(200);
    const b = await presignAndPut(h, descriptor, second);
    expect(b.presigned.key).toBe(a.presigned.key);
    await h.call('complete', completeBody(b.presigned, descriptor));
    expect(await objectSha256(s3, bucket, a.presigned.key)).toBe(sha256(first));
    expect((await headOf(a.presigned.key))?.ContentType).toBe('image/png');
    expect(h.completions).toHaveLength(1);
  });

  it('an object written at the key by someone else between PUT and complete → complete does not overwrite it', async () => {
    const h = handlerFor();
    const [uploaded, other] = [png(2000, 1), png(2000, 3)];
    const descriptor = file(2000);
    const { presigned } = await presignAndPut(h, descriptor, uploaded);
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: presigned.key, Body: other, ContentType: 'image/png' }),
    );
    await h.call('complete', completeBody(presigned, descriptor));
    expect(await objectSha256(s3, bucket, presigned.key)).toBe(sha256(other));
  });

  it('complete before any PUT → 404 not-found; nothing stored; onComplete not run', async () => {
    const h = handlerFor();
    const descriptor = file(2000);
    const presigned = await h.call('presign', { file: descriptor });
    const completed = await h.call('complete', completeBody(presigned.body, descriptor));
    expect(completed).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    await expectNothingStored(h);
    expect(h.completions).toEqual([]);
  });

  it('a pending object of the right size but random bytes declared image/png → 415; the key stays empty', async () => {
    const h = handlerFor();
    const bytes = pattern(3000, 5);
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    const completed = await h.call('complete', completeBody(presigned, descriptor));
    expect(completed).toMatchObject({ status: 415, body: { error: { code: 'content-mismatch' } } });
    await expectNothingStored(h);
  });
});
