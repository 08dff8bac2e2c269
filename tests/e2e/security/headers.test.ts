import { describe, expect, it } from 'vitest';
import {
  completeBody,
  expectNothingStored,
  expectServerMetadataOnly,
  file,
  handlerFor,
  headerOf,
  INLINE,
  png,
  put,
  shown,
} from './harness';

// Spec E: headers the uploader adds to the PUT either make storage refuse it, or never reach the
// final object (the copy sets metadata, tags and storage class itself).

const UNSIGNED: Array<{ what: string; headers: Record<string, string> }> = [
  {
    what: 'Content-Disposition: inline; filename="invoice.html"',
    headers: { 'Content-Disposition': 'inline; filename="invoice.html"' },
  },
  {
    what: 'Cache-Control: max-age=31536000, immutable',
    headers: { 'Cache-Control': 'max-age=31536000, immutable' },
  },
  { what: 'Expires in 2037', headers: { Expires: 'Wed, 21 Oct 2037 07:28:00 GMT' } },
  { what: 'Content-Language: de-DE', headers: { 'Content-Language': 'de-DE' } },
  { what: 'Content-Encoding: gzip', headers: { 'Content-Encoding': 'gzip' } },
  { what: 'x-amz-tagging: public=yes&a=b', headers: { 'x-amz-tagging': 'public=yes&a=b' } },
  {
    what: 'x-amz-storage-class: REDUCED_REDUNDANCY',
    headers: { 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
  },
  { what: 'x-amz-meta-owner: admin', headers: { 'x-amz-meta-owner': 'admin' } },
  {
    what: 'x-amz-website-redirect-location: https://evil.example/',
    headers: { 'x-amz-website-redirect-location': 'https://evil.example/' },
  },
];
// MinIO refuses an unsigned x-amz-meta-* by itself: leave it out, or the row proves nothing.
UNSIGNED.push({
  what: 'all of them at once but x-amz-meta-*',
  headers: Object.assign(
    {},
    ...UNSIGNED.filter((row) => !row.what.startsWith('x-amz-meta')).map((row) => row.headers),
  ),
});

describe('E. headers added to the PUT are refused or never reach the final object', () => {
  it('file.metadata naming headers (Content-Disposition, Cache-Control, x-amz-meta-*) → not signed, not stored', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const bytes = png();
    const metadata = {
      'Content-Disposition': 'inline; filename="x.html"',
      'Cache-Control': 'public, max-age=31536000',
      'x-amz-meta-owner': 'admin',
      owner: 'admin',
    };
    const descriptor = { ...file(bytes.length), metadata };
    const presigned = await h.call('presign', { file: descriptor });
    expect(presigned.status).toBe(200);
    expect(
      Object.keys(presigned.body.headers)
        .map((name) => name.toLowerCase())
        .sort(),
    ).toEqual(['content-disposition', 'content-type']);
    expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
    expect((await h.call('complete', completeBody(presigned.body, descriptor))).status).toBe(200);
    await expectServerMetadataOnly(
      presigned.body.key,
      'image/png',
      headerOf(presigned.body.headers, 'Content-Disposition')!,
    );
  });

  it.each(UNSIGNED)(
    'PUT adding $what → refused, or after complete the object has only the signed type and disposition, no tags',
    async ({ headers }) => {
      const h = handlerFor({ allowedTypes: ['image/*'] });
      const bytes = png();
      const descriptor = file(bytes.length);
      const presigned = await h.call('presign', { file: descriptor });
      expect(presigned.status).toBe(200);
      const disposition = headerOf(presigned.body.headers, 'Content-Disposition');

      const stored = await put(presigned.body.url, bytes, { ...presigned.body.headers, ...headers });
      const completed = await h.call('complete', completeBody(presigned.body, descriptor));
      if (stored.status >= 300) {
        expect(completed.status, 'nothing was uploaded').toBe(404);
        await expectNothingStored(h);
        return;
      }
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(await h.stored()).toEqual([presigned.body.key]);
      await expectServerMetadataOnly(presigned.body.key, 'image/png', disposition ?? INLINE);
      expect(disposition ?? '(absent)', 'the signed disposition').toMatch(INLINE);
    },
  );

  it('PUT without the signed Content-Disposition → refused by storage (400/403); nothing stored', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const bytes = png();
    const presigned = await h.call('presign', { file: file(bytes.length) });
    expect(headerOf(presigned.body.headers, 'Content-Disposition')).toBeDefined();
    const stored = await put(presigned.body.url, bytes, {
      'Content-Type': headerOf(presigned.body.headers, 'Content-Type')!,
    });
    // MinIO answers a missing signed header with 400 AccessDenied, a changed one with 403.
    expect([400, 403]).toContain(stored.status);
    await expectNothingStored(h);
  });

  it('PUT with the signed Content-Disposition changed to attachment → refused by storage; nothing stored', async () => {
    const h = handlerFor({ allowedTypes: ['image/*'] });
    const bytes = png();
    const presigned = await h.call('presign', { file: file(bytes.length) });
    expect(headerOf(presigned.body.headers, 'Content-Disposition') ?? '(absent)').toMatch(INLINE);
    const stored = await put(presigned.body.url, bytes, {
      'Content-Type': 'image/png',
      'Content-Disposition': 'attachment; filename="x.png"',
    });
    expect(stored.status).toBe(403);
    await expectNothingStored(h);
  });
});

/** Content-Disposition parameters as [lower-case name, value], quoted strings unescaped (RFC 6266). */
function dispositionParameters(value: string): Array<[string, string]> {
  const parameters: Array<[string, string]> = [];
  const pattern = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const [, name, raw] of value.matchAll(pattern)) {
    const unquoted = raw!.startsWith('"') ? raw!.slice(1, -1).replace(/\\(.)/g, '$1') : raw!.trim();
    parameters.push([name!.toLowerCase(), unquoted]);
  }
  return parameters;
}

const SMUGGLING = [
  { what: 'CR/LF and a second header', name: 'cat.png\r\nContent-Disposition: inline\r\nx-amz-meta-a: b' },
  { what: 'a quote closing a filename parameter', name: 'a.png"; filename="evil.html' },
  { what: 'a NUL and markup', name: 'cat.png\u0000<script>alert(1)</script>' },
  { what: 'an RFC 5987 filename* parameter', name: "a.png; filename*=UTF-8''evil.html" },
].map((row) => ({ ...row, shownName: shown(row.name) }));

describe('E. a hostile file name cannot smuggle anything into the signed headers', () => {
  it.each(SMUGGLING)(
    'name with $what ($shownName) → 400, or signed headers stay single-line and the object gets only them',
    async ({ name }) => {
      const h = handlerFor({ allowedTypes: ['image/*'] });
      const bytes = png();
      const descriptor = file(bytes.length, name);
      const presigned = await h.call('presign', { file: descriptor });
      if (presigned.status === 400) {
        await expectNothingStored(h);
        return;
      }
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      for (const [header, value] of Object.entries(presigned.body.headers as Record<string, string>)) {
        expect(value, header).toMatch(/^[\x20-\x7e]*$/);
      }
      const disposition = headerOf(presigned.body.headers, 'Content-Disposition');
      const injected = dispositionParameters(disposition ?? '').filter(
        ([param, value]) => /^filename\*?$/.test(param) && /^(UTF-8'')?evil\.html$/i.test(value),
      );
      expect(injected, 'a filename parameter injected by the name').toEqual([]);
      expect(headerOf(presigned.body.headers, 'Content-Type')).toBe('image/png');
      expect((await put(presigned.body.url, bytes, presigned.body.headers)).status).toBe(200);
      expect((await h.call('complete', completeBody(presigned.body, descriptor))).status).toBe(200);
      await expectServerMetadataOnly(presigned.body.key, 'image/png', disposition ?? INLINE);
      expect(disposition ?? '(absent)', 'the signed disposition').toMatch(INLINE);
    },
  );
});
