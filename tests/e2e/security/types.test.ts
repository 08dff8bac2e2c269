import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT,
  completeBody,
  expectNothingSigned,
  expectServerMetadataOnly,
  file,
  handlerFor,
  headerOf,
  html,
  INLINE,
  javascript,
  keyOfUrl,
  multipartPut,
  pdf,
  png,
  put,
  shown,
  signedHeadersOf,
  svg,
  elf,
  pe,
  sha256,
  objectSha256,
  bucket,
  s3,
} from './harness';

// Spec A: a declared type is one strict RFC 9110 media type; only its essence is matched and signed;
// active types never ride in on a wildcard; every single-PUT URL signs the server's Content-Disposition.

const OPS = ['presign', 'multipart/create'] as const;

const MALFORMED = [
  { what: 'a list of two types', type: 'image/png, text/html' },
  { what: 'a space inside the type token', type: 'image /png' },
  { what: 'a space inside the subtype token', type: 'image/ png' },
  { what: 'a tab after the slash', type: 'image/\tpng' },
  { what: 'a trailing NUL', type: 'image/png\u0000' },
  { what: 'a NUL before a fake extension', type: 'image/png\u0000.html' },
  { what: 'CR/LF smuggling a second header', type: 'image/png\r\nx-amz-meta-evil: 1' },
  { what: 'a bare LF smuggling a disposition', type: 'image/png\nContent-Disposition: inline' },
  { what: 'an ESC', type: 'image/png\u001b[0m' },
  { what: 'a DEL', type: 'image/png\u007f' },
  { what: 'a C1 control (NEL)', type: 'image/png\u0085' },
  { what: 'a missing subtype', type: 'image/' },
  { what: 'a missing type', type: '/png' },
  { what: 'no slash', type: 'imagepng' },
  { what: 'two slashes', type: 'image/png/html' },
  { what: 'a quoted whole type', type: '"image/png"' },
  { what: 'an unterminated quoted parameter', type: 'image/png; name="x' },
  { what: 'an unquoted space in a parameter value', type: 'image/png; name=a b' },
  { what: 'a parameter without "="', type: 'image/png; charset' },
  { what: 'a parameter without a name', type: 'image/png; =x' },
  { what: 'fullwidth letters', type: 'ｉｍａｇｅ/ｐｎｇ' },
  { what: 'a fullwidth solidus', type: 'image／png' },
  { what: 'a Cyrillic homoglyph', type: 'іmage/png' },
  { what: 'a Latin-script g homoglyph', type: 'image/pnɡ' },
  { what: 'a Kelvin sign that lower-cases to ASCII k', type: 'application/x-shoc\u212Awave-flash' },
  { what: 'a zero-width joiner inside text/html', type: 'text/ht\u200dml' },
  { what: 'a right-to-left override', type: 'image/\u202Egnp' },
  { what: 'a trailing no-break space', type: 'image/png\u00a0' },
].map((row) => ({ ...row, shown: shown(row.type) }));

describe('A. malformed declared types → 400 bad-request, nothing signed', () => {
  it.each(MALFORMED)(
    '$what ($shown) → 400 bad-request on presign and multipart/create; no URL, no object, no upload',
    async ({ type }) => {
      const h = handlerFor();
      for (const op of OPS) {
        const response = await h.call(op, { file: file(100, 'photo.png', type) });
        expect(response, op).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } } });
        await expectNothingSigned(h, response);
      }
    },
  );
});

const NORMALISED = [
  { declared: 'IMAGE/PNG; charset=x', essence: 'image/png', bytes: png, disposition: INLINE },
  { declared: 'Image/Png', essence: 'image/png', bytes: png, disposition: INLINE },
  { declared: 'image/png; name="evil.html"', essence: 'image/png', bytes: png, disposition: INLINE },
  { declared: 'application/PDF;version=1.7', essence: 'application/pdf', bytes: pdf, disposition: INLINE },
].map((row) => ({ ...row, shown: shown(row.declared) }));

describe('A. only the normalised essence is matched, signed, returned and stored', () => {
  it.each(NORMALISED)(
    'presign $shown under exact tokens → signed and stored as $essence, parameters dropped',
    async ({ declared, essence, bytes, disposition }) => {
      const h = handlerFor({ allowedTypes: ['image/png', 'application/pdf'] });
      const body = bytes();
      const descriptor = file(body.length, 'upload', declared);
      const presigned = await h.call('presign', { file: descriptor });
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      expect(headerOf(presigned.body.headers, 'Content-Type')).toBe(essence);
      expect((await put(presigned.body.url, body, presigned.body.headers)).status).toBe(200);
      const completed = await h.call('complete', completeBody(presigned.body, descriptor));
      expect(completed).toMatchObject({ status: 200, body: { contentType: essence } });
      expect(await h.stored()).toEqual([presigned.body.key]);
      await expectServerMetadataOnly(presigned.body.key, essence, disposition);
    },
  );

  it('multipart/create "IMAGE/PNG; charset=x" → the completed object is image/png, inline', async () => {
    const h = handlerFor({ allowedTypes: ['image/png'] });
    const bytes = png(3000);
    const descriptor = file(bytes.length, 'upload', 'IMAGE/PNG; charset=x');
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    const completed = await h.call('multipart/complete', { ...session, parts, file: descriptor });
    expect(completed).toMatchObject({ status: 200, body: { contentType: 'image/png' } });
    expect(await h.stored()).toEqual([session.key]);
    await expectServerMetadataOnly(session.key, 'image/png', INLINE);
  });
});

const ACTIVE = [
  { type: 'text/html', wildcards: ['*/*', '*', 'text/*'] },
  { type: 'TEXT/HTML; charset=utf-8', wildcards: ['*/*', 'text/*'] },
  { type: 'application/xhtml+xml', wildcards: ['*/*', '*', 'application/*'] },
  { type: 'image/svg+xml', wildcards: ['image/*', '*/*', '*'] },
  { type: 'image/SVG+XML', wildcards: ['image/*'] },
  { type: 'application/rss+xml', wildcards: ['*/*', 'application/*'] },
  { type: 'application/vnd.evil+xml', wildcards: ['*/*'] },
  { type: 'text/xml', wildcards: ['*/*', 'text/*'] },
  { type: 'application/xml', wildcards: ['*/*', 'application/*'] },
  { type: 'text/javascript', wildcards: ['*/*', 'text/*'] },
  { type: 'application/javascript', wildcards: ['*/*', 'application/*'] },
  { type: 'application/ecmascript', wildcards: ['*/*'] },
  { type: 'application/x-javascript', wildcards: ['*/*'] },
  { type: 'text/ecmascript', wildcards: ['*/*'] },
  { type: 'text/x-javascript', wildcards: ['*/*'] },
  { type: 'text/jscript', wildcards: ['*/*'] },
  { type: 'text/xsl', wildcards: ['*/*', 'text/*'] },
  { type: 'multipart/x-mixed-replace; boundary=frame', wildcards: ['*/*', 'multipart/*'] },
  { type: 'application/x-shockwave-flash', wildcards: ['*/*', 'application/*'] },
].map((row) => ({ ...row, list: row.wildcards.join(' | ') }));

describe('A. active types are never matched by a wildcard → 415 file-type-not-allowed', () => {
  it.each(ACTIVE)('$type under $list → 415 on presign and multipart/create, nothing signed', async (row) => {
    for (const wildcard of row.wildcards) {
      const h = handlerFor({ allowedTypes: ['image/png', wildcard] });
      for (const op of OPS) {
        const response = await h.call(op, { file: file(100, 'page.png', row.type) });
        expect(response, `${op} under ${wildcard}`).toMatchObject({
          status: 415,
          body: { error: { code: 'file-type-not-allowed' } },
        });
        await expectNothingSigned(h, response);
      }
    }
  });

  it('control: a passive type under */* is still signed (image/png → 200 with a URL)', async () => {
    const h = handlerFor({ allowedTypes: ['*/*'] });
    const response = await h.call('presign', { file: file(100) });
    expect(response.status).toBe(200);
    expect(typeof response.body.url).toBe('string');
    expect(await h.stored()).toEqual([]);
  });
});

const NAMED = [
  { type: 'text/html', bytes: html },
  { type: 'image/svg+xml', bytes: svg },
  { type: 'text/javascript', bytes: javascript },
  { type: 'application/xhtml+xml', bytes: html },
];

describe('A. active types named exactly are allowed, and stored as attachments', () => {
  it.each(NAMED)(
    '$type named in allowedTypes → signed with Content-Disposition: attachment and stored so',
    async ({ type, bytes }) => {
      const h = handlerFor({ allowedTypes: ['image/*', type] });
      const body = bytes();
      const descriptor = file(body.length, 'page.png', type);
      const presigned = await h.call('presign', { file: descriptor });
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      expect(headerOf(presigned.body.headers, 'Content-Type')).toBe(type);
      expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(ATTACHMENT);
      expect(signedHeadersOf(presigned.body.url)).toContain('content-disposition');
      expect((await put(presigned.body.url, body, presigned.body.headers)).status).toBe(200);
      const completed = await h.call('complete', completeBody(presigned.body, descriptor));
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(await h.stored()).toEqual([presigned.body.key]);
      await expectServerMetadataOnly(presigned.body.key, type, ATTACHMENT);
    },
  );

  it('text/html named, through multipart → the completed object is text/html, attachment', async () => {
    const h = handlerFor({ allowedTypes: ['text/html'] });
    const bytes = html(3000);
    const descriptor = file(bytes.length, 'page.html', 'text/html');
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    const completed = await h.call('multipart/complete', { ...session, parts, file: descriptor });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(await h.stored()).toEqual([session.key]);
    await expectServerMetadataOnly(session.key, 'text/html', ATTACHMENT);
  });
});

const DISPOSITIONS = [
  ...[
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'image/avif',
    'image/bmp',
    'audio/mpeg',
    'audio/ogg',
    'video/mp4',
    'video/webm',
    'application/pdf',
    'text/plain',
  ].map((type) => ({ type, expected: 'inline', pattern: INLINE })),
  ...[
    'application/octet-stream',
    'application/zip',
    'application/json',
    'text/csv',
    'text/css',
    'text/markdown',
    'font/woff2',
    'application/x-msdownload',
    // Passive families, but subtypes nobody knows: a wildcard admits them; they are downloads.
    'image/html',
    'image/x-anything',
    'video/x-anything',
  ].map((type) => ({ type, expected: 'attachment', pattern: ATTACHMENT })),
];

describe('A. the server chooses Content-Disposition and signs it into the PUT URL', () => {
  it.each(DISPOSITIONS)(
    'presign $type under */* → headers carry Content-Disposition: $expected, signed; nothing stored yet',
    async ({ type, pattern }) => {
      const h = handlerFor({ allowedTypes: ['*/*'] });
      const presigned = await h.call('presign', { file: file(100, 'upload.bin', type) });
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      expect(headerOf(presigned.body.headers, 'Content-Type')).toBe(type);
      expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(pattern);
      expect(signedHeadersOf(presigned.body.url)).toEqual(
        expect.arrayContaining(['content-disposition', 'content-length', 'content-type', 'host']),
      );
      expect(await h.stored()).toEqual([]);
    },
  );

  it("contentDisposition: 'attachment' → a PNG is signed and stored as an attachment", async () => {
    const h = handlerFor({ allowedTypes: ['image/*'], contentDisposition: 'attachment' });
    const bytes = png();
    const descriptor = file(bytes.length);
    const presigned = await h.call('presign', { file: descriptor });
    expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(ATTACHMENT);
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(presigned.body, descriptor))).status).toBe(200);
    expect(await h.stored()).toEqual([presigned.body.key]);
    await expectServerMetadataOnly(presigned.body.key, 'image/png', ATTACHMENT);
  });

  it('a .png token admitting "cat.png" declared text/html → either 415, or signed and stored as attachment', async () => {
    const h = handlerFor({ allowedTypes: ['.png'] });
    const bytes = html();
    const descriptor = file(bytes.length, 'cat.png', 'text/html');
    const presigned = await h.call('presign', { file: descriptor });
    if (presigned.status === 415) {
      await expectNothingSigned(h, presigned);
      return;
    }
    expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
    expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(ATTACHMENT);
    expect(keyOfUrl(presigned.body.url)).not.toBe(presigned.body.key);
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(presigned.body, descriptor))).status).toBe(200);
    await expectServerMetadataOnly(presigned.body.key, 'text/html', ATTACHMENT);
  });
});

describe('A. a file admitted by its name under an .ext token is stored and checked as that type', () => {
  it.each([
    { what: 'an ELF named evil.png, no type', name: 'evil.png', type: '', bytes: elf },
    { what: 'PHP named cat.png, declared text/x-php', name: 'cat.png', type: 'text/x-php', bytes: html },
    { what: 'a Windows executable named photo.png, no type', name: 'photo.png', type: '', bytes: pe },
  ])('$what under [".png"] → signed as image/png; complete → 415, nothing at the key', async (row) => {
    const h = handlerFor({ allowedTypes: ['.png'] });
    const bytes = row.bytes(2000);
    const descriptor = file(bytes.length, row.name, row.type);
    const presigned = await h.call('presign', { file: descriptor });
    expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
    expect(headerOf(presigned.body.headers, 'Content-Type')).toBe('image/png');
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    const refused = await h.call('complete', completeBody(presigned.body, descriptor));
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('content-mismatch');
    expect(await h.stored()).toEqual([]);
  });

  it('a real PNG named cat.png with no type under [".png"] → stored as image/png, inline, its bytes', async () => {
    const h = handlerFor({ allowedTypes: ['.png'] });
    const bytes = png();
    const descriptor = file(bytes.length, 'cat.png', '');
    const presigned = await h.call('presign', { file: descriptor });
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(presigned.body, descriptor))).status).toBe(200);
    await expectServerMetadataOnly(presigned.body.key, 'image/png', INLINE);
    expect(await objectSha256(s3, bucket, presigned.body.key)).toBe(sha256(bytes));
  });

  it('an unknown extension (.heif2) keeps the declared type, as a download', async () => {
    const h = handlerFor({ allowedTypes: ['.heif2'] });
    const presigned = await h.call('presign', { file: file(100, 'shot.heif2', '') });
    expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
    expect(headerOf(presigned.body.headers, 'Content-Type')).toBe('application/octet-stream');
    expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(ATTACHMENT);
  });
});

describe('A. a declared type is the file’s own, never a pattern', () => {
  it.each(['image/*', '*/*', 'video/*'])(
    '%s declared under its own wildcard → 400 bad-request on both operations',
    async (type) => {
      const h = handlerFor({ allowedTypes: ['image/*', 'video/*', '*/*'] });
      for (const op of OPS) {
        const answer = await h.call(op, { file: file(100, 'x.png', type) });
        expect(answer.status, op).toBe(400);
        expect(answer.body.error.code).toBe('bad-request');
        await expectNothingSigned(h, answer);
      }
    },
  );
});

describe('A. XML types named exactly are verified as XML, prolog or not', () => {
  it.each([
    { type: 'image/svg+xml', content: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>' },
    { type: 'application/rss+xml', content: '<?xml version="1.0"?><rss version="2.0"></rss>' },
  ])('$type with an <?xml prolog → 200, stored as an attachment', async ({ type, content }) => {
    const h = handlerFor({ allowedTypes: [type] });
    const bytes = new TextEncoder().encode(content.padEnd(500, ' '));
    const descriptor = file(bytes.length, 'feed', type);
    const presigned = await h.call('presign', { file: descriptor });
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    const done = await h.call('complete', completeBody(presigned.body, descriptor));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await expectServerMetadataOnly(presigned.body.key, type, ATTACHMENT);
  });
});

describe('A. real files keep passing: aliases browsers and devices use', () => {
  const isoBox = (brand: string, compatible: string) => {
    const bytes = new Uint8Array(2000);
    const text = new TextEncoder();
    new DataView(bytes.buffer).setUint32(0, 32);
    bytes.set(text.encode('ftyp'), 4);
    bytes.set(text.encode(brand), 8);
    bytes.set(text.encode(compatible), 16);
    return bytes;
  };
  it.each([
    {
      what: 'M4A declared audio/x-m4a (Safari, Chrome on macOS)',
      allowed: ['.m4a'],
      name: 'a.m4a',
      type: 'audio/x-m4a',
      brand: ['M4A ', 'M4A mp42isom'],
    },
    { what: 'M4A with no type', allowed: ['.m4a'], name: 'a.m4a', type: '', brand: ['M4A ', 'M4A mp42isom'] },
    {
      what: 'a non-Apple HEIC (mif1 brand) with no type',
      allowed: ['.heic'],
      name: 'p.heic',
      type: '',
      brand: ['mif1', 'mif1heic'],
    },
    {
      what: 'an iPhone HEIC declared image/heic',
      allowed: ['image/*'],
      name: 'p.heic',
      type: 'image/heic',
      brand: ['heic', 'mif1heic'],
    },
  ])('$what under $allowed → completes, inline', async ({ allowed, name, type, brand }) => {
    const h = handlerFor({ allowedTypes: allowed });
    const bytes = isoBox(brand[0]!, brand[1]!);
    const descriptor = file(bytes.length, name, type);
    const presigned = await h.call('presign', { file: descriptor });
    expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
    expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(INLINE);
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    const done = await h.call('complete', completeBody(presigned.body, descriptor));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  });

  it.each(['audio/x-wav', 'audio/flac', 'image/x-icon', 'image/vnd.microsoft.icon', 'video/x-matroska'])(
    '%s under */* → inline, as before',
    async (type) => {
      const h = handlerFor({ allowedTypes: ['*/*'] });
      const presigned = await h.call('presign', { file: file(100, 'f', type) });
      expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(INLINE);
    },
  );
});
