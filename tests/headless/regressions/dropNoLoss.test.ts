import { expect, it } from 'vitest';
import { describeFile, relativePathOf } from '../../../src/core/job';
import { collectDroppedFiles } from '../../../src/headless/collectDroppedFiles';

const file = (name: string) => new File(['x'], name, { type: 'text/plain' });
const fileEntry = (f: File) => ({
  isFile: true,
  isDirectory: false,
  name: f.name,
  file: (ok: (f: File) => void) => ok(f),
});
const folder = (name: string, entries: unknown[]) => {
  let read = false;
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => ({
      readEntries: (ok: (e: unknown[]) => void) => {
        ok(read ? [] : entries);
        read = true;
      },
    }),
  };
};
const asEntries = (entries: unknown[]) => entries as FileSystemEntry[];

it('keeps every file dropped as itself, whatever the folder limit (browsers give entries for all)', async () => {
  const files = [file('1.txt'), file('2.txt'), file('3.txt')];
  const result = await collectDroppedFiles({ files, entries: asEntries(files.map(fileEntry)) }, 2);
  expect(result.map((f) => f.name)).toEqual(['1.txt', '2.txt', '3.txt']);
});

it('skips one unreadable file in a folder and keeps the rest (not the folder as a 0-byte file)', async () => {
  const good = [file('a.txt'), file('b.txt'), file('c.txt')];
  const locked = {
    isFile: true,
    isDirectory: false,
    name: 'locked.txt',
    file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('NotReadableError')),
  };
  const photos = folder('photos', [...good.map(fileEntry), locked]);
  const result = await collectDroppedFiles({ files: [new File([], 'photos')], entries: asEntries([photos]) });
  expect(result.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
});

it('stops walking folders at the limit but counts loose files towards it', async () => {
  const loose = file('loose.txt');
  const big = folder(
    'big',
    Array.from({ length: 10 }, (_, i) => fileEntry(file(`${i}.txt`))),
  );
  const result = await collectDroppedFiles(
    { files: [loose], entries: asEntries([fileEntry(loose), big]) },
    3,
  );
  expect(result.map((f) => f.name)).toEqual(['loose.txt', '0.txt', '1.txt']);
});

it('skips a folder whose reader never answers, and still delivers the rest', async () => {
  const loose = file('loose.txt');
  const stalled = {
    isFile: false,
    isDirectory: true,
    name: 'nas',
    createReader: () => ({ readEntries: () => undefined }),
  };
  const ok = folder('ok', [fileEntry(file('inside.txt'))]);
  const result = await collectDroppedFiles(
    { files: [loose], entries: asEntries([fileEntry(loose), stalled, ok]) },
    Infinity,
    20,
  );
  expect(result.map((f) => f.name)).toEqual(['loose.txt', 'inside.txt']);
});

it("keeps each walked file's place in its folder, sent to the backend as metadata.relativePath", async () => {
  const withPath = (f: File, fullPath: string) => ({ ...fileEntry(f), fullPath });
  const a = file('a.jpg');
  const b = file('b.jpg');
  const trip = folder('trip', [
    withPath(a, '/trip/a.jpg'),
    folder('day2', [withPath(b, '/trip/day2/b.jpg')]),
  ]);
  const loose = file('loose.txt');
  const result = await collectDroppedFiles({
    files: [loose, new File([], 'trip')],
    entries: asEntries([fileEntry(loose), trip]),
  });
  expect(result.map((f) => [f.name, relativePathOf(f)])).toEqual([
    ['loose.txt', undefined],
    ['a.jpg', 'trip/a.jpg'],
    ['b.jpg', 'trip/day2/b.jpg'],
  ]);
  expect(describeFile(result[2]!, { album: 'summer' }).metadata).toEqual({
    relativePath: 'trip/day2/b.jpg',
    album: 'summer',
  });
  // A folder picker's files carry it themselves.
  const picked = file('c.jpg');
  Object.defineProperty(picked, 'webkitRelativePath', { value: 'trip/c.jpg' });
  expect(describeFile(picked, undefined).metadata).toEqual({ relativePath: 'trip/c.jpg' });
  expect(describeFile(loose, undefined).metadata).toBeUndefined();
});
