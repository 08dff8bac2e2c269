import { describe, expect, it } from 'vitest';
import {
  completeBody,
  file,
  handlerFor,
  headOf,
  jpeg,
  multipartPut,
  openUploadsContaining,
  png,
  presignAndPut,
  shown,
  type Harness,
} from './harness';

// Spec H: a token has exactly one accepted spelling, and a token of one kind of upload opens no other.
// Only what every documented version shares is assumed: `<version>.<exp>.<size>.….<base64url(type)>.<mac>`
// (v1: `v1.exp.size.type.mac`; v2 adds the part size before the type). Negative indices count from the end.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const [EXP, SIZE, TYPE, MAC] = [1, 2, -2, -1];

/** Changes the lowest bit of the last character: a bit no byte uses when the length leaves some over. */
function flipUnusedBit(segment: string): string {
  expect((segment.length * 6) % 8, `${segment} has unused bits`).toBeGreaterThan(0);
  return segment.slice(0, -1) + B64URL[B64URL.indexOf(segment.at(-1)!) ^ 1];
}

const segment = (index: number, change: (value: string) => string) => (token: string) => {
  const parts = token.split('.');
  const at = index < 0 ? parts.length + index : index;
  parts[at] = change(parts[at]!);
  return parts.join('.');
};

const SPELLINGS: Array<{ what: string; mutate: (token: string) => string; type?: string; needs?: RegExp }> = [
  { what: 'the MAC with its unused low bits changed', mutate: segment(MAC, flipUnusedBit) },
  {
    what: 'the type segment with its unused low bits changed',
    mutate: segment(TYPE, flipUnusedBit),
    type: 'image/jpeg',
  },
  { what: 'the expiry in hex (0x…)', mutate: segment(EXP, (e) => `0x${Number(e).toString(16)}`) },
  { what: 'the expiry with a plus sign', mutate: segment(EXP, (e) => `+${e}`) },
  // No spelling with a "." (1.7e9, 123.0): the dot separates segments, so it would not test the number.
  { what: 'the expiry in exponent notation (…e0)', mutate: segment(EXP, (e) => `${e}e0`) },
  { what: 'the expiry as …0e-1', mutate: segment(EXP, (e) => `${e}0e-1`) },
  { what: 'the expiry with a trailing tab', mutate: segment(EXP, (e) => `${e}\t`) },
  { what: 'the expiry padded with zeros', mutate: segment(EXP, (e) => `000${e}`) },
  { what: 'the expiry with a leading space', mutate: segment(EXP, (e) => ` ${e}`) },
  { what: 'the expiry with a trailing space', mutate: segment(EXP, (e) => `${e} `) },
  { what: 'the size padded with a zero', mutate: segment(SIZE, (s) => `0${s}`) },
  { what: 'the size with a plus sign', mutate: segment(SIZE, (s) => `+${s}`) },
  { what: 'the size as …e0', mutate: segment(SIZE, (s) => `${s}e0`) },
  { what: 'a leading space before the token', mutate: (t) => ` ${t}` },
  { what: 'a trailing space after the token', mutate: (t) => `${t} ` },
  { what: 'a trailing newline after the token', mutate: (t) => `${t}\n` },
  { what: 'one segment more (".x")', mutate: (t) => `${t}.x` },
  { what: 'one empty segment more (".")', mutate: (t) => `${t}.` },
  { what: 'base64 padding "=" on the MAC', mutate: segment(MAC, (m) => `${m}=`) },
  {
    what: 'base64 padding "==" on the type segment',
    mutate: segment(TYPE, (t) => `${t}==`),
    type: 'image/jpeg',
  },
  {
    what: 'standard base64 "+/" instead of "-_" in the MAC',
    mutate: segment(MAC, (m) => m.replaceAll('-', '+').replaceAll('_', '/')),
    needs: /[-_]/,
  },
  { what: 'the version upper-cased (V1)', mutate: (t) => `V${t.slice(1)}` },
];

/** presign + PUT, again (bounded) until the token's MAC matches `needs`. */
async function uploadedOnce(h: Harness, type: string, needs?: RegExp) {
  const bytes = type === 'image/jpeg' ? jpeg() : png();
  const descriptor = file(bytes.length, 'photo', type);
  for (let attempt = 0; attempt < 40; attempt++) {
    const { presigned, stored } = await presignAndPut(h, descriptor, bytes);
    expect(stored.status).toBe(200);
    const token: string = presigned.token;
    const segments = token.split('.');
    expect(segments.length, `segments of ${token}`).toBeGreaterThanOrEqual(5);
    expect(segments[EXP], 'the expiry segment').toMatch(/^[1-9]\d{9}$/);
    expect(segments.at(MAC), 'an HMAC-SHA256 in base64url').toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (!needs || needs.test(segments.at(MAC)!)) return { presigned, descriptor };
  }
  throw new Error(`no token matching ${needs} in 40 tries`);
}

describe('H. a token is accepted in exactly one spelling', () => {
  it.each(SPELLINGS.map((row) => ({ ...row, shownWhat: shown(row.what) })))(
    'complete with $shownWhat → 403 forbidden, the bucket unchanged; the canonical token then completes',
    async ({ mutate, type, needs }) => {
      const h = handlerFor();
      const { presigned, descriptor } = await uploadedOnce(h, type ?? 'image/png', needs);
      const forged = mutate(presigned.token);
      expect(forged).not.toBe(presigned.token);
      const before = await h.stored();

      const refused = await h.call('complete', { ...completeBody(presigned, descriptor), token: forged });
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(await h.stored()).toEqual(before);
      expect(h.completions).toEqual([]);

      const accepted = await h.call('complete', completeBody(presigned, descriptor));
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(h.completions).toHaveLength(1);
    },
  );
});

describe('H. tokens are not replayable across kinds of upload, keys or users', () => {
  it('a single-upload token on multipart/sign-parts, list-parts, complete and abort → 403 each; the upload stays open', async () => {
    const h = handlerFor();
    const bytes = png(3000);
    const descriptor = file(bytes.length);
    const single = await h.call('presign', { file: descriptor });
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    for (const [op, body] of [
      ['multipart/sign-parts', { ...session, token: single.body.token, partNumbers: [1] }],
      [
        'multipart/sign-parts',
        { ...session, key: single.body.key, token: single.body.token, partNumbers: [1] },
      ],
      ['multipart/list-parts', { ...session, token: single.body.token }],
      ['multipart/complete', { ...session, token: single.body.token, parts, file: descriptor }],
      ['multipart/abort', { ...session, token: single.body.token }],
    ] as const) {
      expect((await h.call(op, body)).status, op).toBe(403);
    }
    expect(await openUploadsContaining(h.user)).toHaveLength(1);
    expect(await h.stored()).toEqual([]);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
  });

  it('a multipart token on complete (before and after multipart/complete) → 403; onComplete ran only for multipart/complete', async () => {
    const h = handlerFor();
    const bytes = png(3000);
    const descriptor = file(bytes.length);
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    const asSingle = { key: session.key, token: session.token, file: descriptor };
    expect((await h.call('complete', asSingle)).status).toBe(403);
    expect((await h.call('multipart/complete', { ...session, parts, file: descriptor })).status).toBe(200);
    const stored = await h.stored();
    expect((await h.call('complete', asSingle)).status).toBe(403);
    expect(await h.stored()).toEqual(stored);
    expect(h.completions).toHaveLength(1);
  });

  it("another user completing alice's key with alice's token → 403, bucket unchanged; alice then completes", async () => {
    const h = handlerFor();
    const { presigned, descriptor } = await uploadedOnce(h, 'image/png');
    const before = await h.stored();
    const stolen = await h.call('complete', completeBody(presigned, descriptor), { user: 'mallory' });
    expect(stolen).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await h.stored()).toEqual(before);
    expect(h.completions).toEqual([]);
    expect((await h.call('complete', completeBody(presigned, descriptor))).status).toBe(200);
    expect(h.completions.map((c) => c.userId)).toEqual([h.user]);
  });

  it("another user on alice's multipart upload: sign-parts, list-parts, complete, abort → 403 each; the upload stays open", async () => {
    const h = handlerFor();
    const bytes = png(3000);
    const descriptor = file(bytes.length);
    const { session, parts } = await multipartPut(h, descriptor, bytes);
    for (const [op, body] of [
      ['multipart/sign-parts', { ...session, partNumbers: [1] }],
      ['multipart/list-parts', session],
      ['multipart/complete', { ...session, parts, file: descriptor }],
      ['multipart/abort', session],
    ] as const) {
      expect((await h.call(op, body, { user: 'mallory' })).status, op).toBe(403);
    }
    expect(await openUploadsContaining(h.user)).toHaveLength(1);
    expect(await h.stored()).toEqual([]);
    expect((await h.call('multipart/abort', session)).status).toBe(204);
  });

  it.each([
    { what: 'the pending key itself', key: (k: string, h: Harness) => h.pendingOf(k) },
    { what: 'another key of the same user', key: (_: string, h: Harness) => `uploads/${h.user}/other.png` },
    { what: 'the key with a trailing slash', key: (k: string) => `${k}/` },
  ])('complete naming $what with the key’s token → 403; bucket unchanged', async ({ key }) => {
    const h = handlerFor();
    const { presigned, descriptor } = await uploadedOnce(h, 'image/png');
    const before = await h.stored();
    const response = await h.call('complete', {
      ...completeBody(presigned, descriptor),
      key: key(presigned.key, h),
    });
    expect(response.status).toBe(403);
    expect(await h.stored()).toEqual(before);
    expect(h.completions).toEqual([]);
  });

  it('complete whose file descriptor claims text/html, 1 byte, "x.html" → the object and onComplete keep the signed image/png and real size', async () => {
    const h = handlerFor({ allowedTypes: ['image/*', 'text/html'] });
    const { presigned, descriptor } = await uploadedOnce(h, 'image/png');
    const lie = { name: 'x.html', size: 1, type: 'text/html' };
    const completed = await h.call('complete', completeBody(presigned, lie));
    expect(completed).toMatchObject({
      status: 200,
      body: { contentType: 'image/png', size: descriptor.size },
    });
    expect(h.completions.map((c) => [c.contentType, c.size])).toEqual([['image/png', descriptor.size]]);
    expect((await headOf(presigned.key))?.ContentType).toBe('image/png');
  });

  it('multipart/complete whose file descriptor claims text/html → the object and onComplete keep the signed image/png', async () => {
    const h = handlerFor({ allowedTypes: ['image/*', 'text/html'] });
    const bytes = png(3000);
    const { session, parts } = await multipartPut(h, file(bytes.length), bytes);
    const lie = { name: 'x.html', size: 1, type: 'text/html' };
    const completed = await h.call('multipart/complete', { ...session, parts, file: lie });
    expect(completed).toMatchObject({ status: 200, body: { contentType: 'image/png', size: bytes.length } });
    expect(h.completions.map((c) => c.contentType)).toEqual(['image/png']);
    expect((await headOf(session.key))?.ContentType).toBe('image/png');
  });
});
