import { act, render } from '@testing-library/react';
import { expect, it } from 'vitest';
import { createUploadEngine, type UploadEngine } from '../../src/core/createUploadEngine';
import { shallowEqualArrays, useUploaderState, useUploadItem } from '../../src/react/useUploaderState';
import { createMemoryStorage } from '../helpers/memoryStorage';

// Measurement only: a README-style list (one useUploadItem row per file) during a full upload.
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

it('measures', async () => {
  for (const n of [250, 500, 1000]) {
    const storage = createMemoryStorage();
    const uploader = createUploadEngine({
      backend: storage.backend,
      transport: storage.transport,
      mode: 'single',
      resumeStorage: false,
      scheduleFrame: (f) => {
        const t = setTimeout(f, 0);
        return () => clearTimeout(t);
      },
    });
    const view = render(<List uploader={uploader} />);
    const t0 = performance.now();
    let items: unknown[] = [];
    await act(async () => {
      items = await uploader.upload(Array.from({ length: n }, (_, i) => new File(['x'], `f${i}`)));
    });
    console.log(`[react-list] ${n} rows: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(items).toHaveLength(n);
    view.unmount();
  }
}, 300_000);
