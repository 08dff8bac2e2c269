import { act, render } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { createUploadEngine, type UploadEngine } from '../../src/core/createUploadEngine';
import { shallowEqualArrays, useUploaderState, useUploadItem } from '../../src/react/useUploaderState';
import { createMemoryStorage } from '../helpers/memoryStorage';

// Regression: useUploadItem used to select with items.find(), and every row's selector
// runs on every store change. The README's list pattern (one useUploadItem row per file) therefore
// costs O(rows x items) per store change -- O(n^2) per progress tick, O(n^3) for a whole upload
// (about 6 store changes per file). 2,000 rows: ~2M comparisons per tick.
const realFind = Array.prototype.find;
afterEach(() => {
  Array.prototype.find = realFind;
});

function Row({ uploader, id }: { uploader: UploadEngine; id: string }) {
  const item = useUploadItem(uploader, id);
  return <li>{item?.status}</li>;
}
function List({ uploader }: { uploader: UploadEngine }) {
  const ids = useUploaderState(uploader, (s) => s.items.map((i) => i.id), shallowEqualArrays);
  return (
    <ul>
      {ids.map((id) => (
        <Row key={id} uploader={uploader} id={id} />
      ))}
    </ul>
  );
}

it('one store change costs O(rows), not O(rows x items), with useUploadItem rows', () => {
  const storage = createMemoryStorage();
  const uploader = createUploadEngine({
    backend: storage.backend,
    transport: storage.transport,
    mode: 'single',
    autoStart: false,
    resumeStorage: false,
  });
  const n = 400;
  const ids = uploader.add(Array.from({ length: n }, (_, i) => new File(['x'], `f${i}`)));
  render(<List uploader={uploader} />);

  let visits = 0;
  Array.prototype.find = function (
    this: unknown[],
    predicate: (...a: unknown[]) => unknown,
    thisArg?: unknown,
  ) {
    return realFind.call(this, (...a: unknown[]) => (visits++, predicate.apply(thisArg, a)));
  } as typeof Array.prototype.find;
  act(() => uploader.pause(ids[n - 1])); // one status change of one file
  Array.prototype.find = realFind;

  expect(visits).toBeLessThan(10 * n); // was ~n^2/2 = 80,000
});
