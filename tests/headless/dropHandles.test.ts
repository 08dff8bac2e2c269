import { expect, it } from 'vitest';
import { handleOf } from '../../src/core/resumeRecord';
import { collectDroppedFiles } from '../../src/headless/collectDroppedFiles';
import { snapshotDrop } from '../../src/headless/collectFiles';

// A drop in Chromium gives each item's File System Access handle: kept on the file, it lets the
// upload resume after a browser restart without the user finding the file again.

const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

function dataTransfer(dropped: Array<{ file: File; handle: () => Promise<unknown> }>): DataTransfer {
  const items = dropped.map(({ file: f, handle }) => ({
    kind: 'file',
    getAsFile: () => f,
    webkitGetAsEntry: () => ({
      isFile: true,
      isDirectory: false,
      name: f.name,
      file: (ok: (x: File) => void) => ok(f),
    }),
    getAsFileSystemHandle: handle,
  }));
  return { files: dropped.map((d) => d.file), items } as unknown as DataTransfer;
}

it('keeps the handle a drop gives for each file, and drops handles that fail or do not match', async () => {
  const [a, b, c] = [file('a.txt'), file('b.txt'), file('c.txt')];
  const handleA = { kind: 'file', name: 'a.txt', getFile: async () => a };
  const snapshot = snapshotDrop(
    dataTransfer([
      { file: a, handle: async () => handleA },
      { file: b, handle: () => Promise.reject(new DOMException('gone', 'NotFoundError')) },
      { file: c, handle: async () => ({ kind: 'directory', name: 'c.txt' }) },
    ]),
  );
  const files = await collectDroppedFiles(snapshot);
  expect(files.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
  expect(files.map((f) => handleOf(f))).toEqual([handleA, undefined, undefined]);
});
