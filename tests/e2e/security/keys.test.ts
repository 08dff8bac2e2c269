import { describe, expect, it } from 'vitest';
import { expectNothingStored, file, handlerFor, keyPattern, shown } from './harness';

// Spec B: the key's extension comes from the normalised type, never from the client's file name.

const KEYS = [
  { name: 'evil.php', type: 'image/png', ext: '.png' },
  { name: 'x.html', type: 'application/octet-stream', ext: '' },
  { name: 'avatar.png', type: 'application/octet-stream', ext: '' },
  { name: 'shell.php.png', type: 'image/png', ext: '.png' },
  { name: 'photo.png.php', type: 'image/png', ext: '.png' },
  { name: 'shell.php\u0000.png', type: 'image/png', ext: '.png' },
  { name: 'x.ｐｈｐ', type: 'image/png', ext: '.png' },
  { name: 'photo.jpeg', type: 'image/jpeg', ext: '.jpg' },
  { name: 'PHOTO.JPG', type: 'IMAGE/JPEG', ext: '.jpg' },
  { name: 'report', type: 'application/pdf', ext: '.pdf' },
  { name: 'report.exe', type: 'application/pdf', ext: '.pdf' },
  { name: 'evil.svg', type: 'image/png; name=evil.svg', ext: '.png' },
  { name: '..', type: 'image/gif', ext: '.gif' },
  { name: 'run.sh', type: 'application/x-upkit-unknown', ext: '' },
].map((row) => ({
  ...row,
  shownName: shown(row.name),
  shownType: shown(row.type),
  shownExt: row.ext || '(none)',
}));

describe('B. the extension comes from the type, never from the file name', () => {
  it.each(KEYS)(
    '$shownName declared $shownType → key uploads/{user}/{uuid}$shownExt on presign and multipart/create',
    async ({ name, type, ext }) => {
      const h = handlerFor({ allowedTypes: ['*/*'] });
      const presigned = await h.call('presign', { file: file(100, name, type) });
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      expect(presigned.body.key).toMatch(keyPattern(h.user, ext));
      const created = await h.call('multipart/create', { file: file(100, name, type) });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.key).toMatch(keyPattern(h.user, ext));
      expect((await h.call('multipart/abort', created.body)).status).toBe(204);
      await expectNothingStored(h);
    },
  );
});

describe('B. every user id has a key segment of its own', () => {
  it('users "_", "." and ".." get three different prefixes', async () => {
    const prefixes: string[] = [];
    for (const id of ['_', '.', '..']) {
      const h = handlerFor({ authorize: () => ({ id }) });
      const presigned = await h.call('presign', { file: file(100) });
      expect(presigned.status, JSON.stringify(presigned.body)).toBe(200);
      prefixes.push(presigned.body.key.split('/').slice(0, 2).join('/'));
    }
    expect(prefixes).toEqual(['uploads/_', 'uploads/%2E', 'uploads/%2E%2E']);
  });

  it.each([
    { what: "authorize returning ''", authorize: () => '' as unknown as { id: string }, status: 401 },
    { what: "a user id ''", authorize: () => ({ id: '' }), status: 500 },
    { what: 'a user id with a lone surrogate', authorize: () => ({ id: 'a\uD800b' }), status: 500 },
    { what: 'getUserId answering undefined', getUserId: () => undefined as unknown as string, status: 500 },
    { what: 'getUserId answering a number (42)', getUserId: () => 42 as unknown as string, status: 200 },
  ])('$what → $status; never a shared "uploads/undefined/" or "uploads/_/"', async (row) => {
    const h = handlerFor({
      authorize: row.authorize ?? (() => ({ id: 'someone' })),
      ...(row.getUserId ? { getUserId: row.getUserId } : {}),
    });
    const presigned = await h.call('presign', { file: file(100) });
    expect(presigned.status).toBe(row.status);
    if (row.status === 200) {
      expect(presigned.body.key).toMatch(/^uploads\/42\//);
      return;
    }
    expect(presigned.body.error.code).toBe(row.status === 401 ? 'unauthorized' : 'server-misconfigured');
    expect(presigned.body.url).toBeUndefined();
  });
});
