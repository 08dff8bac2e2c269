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
