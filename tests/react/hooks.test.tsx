import { createHash } from 'node:crypto';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { StrictMode, useEffect, useRef } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { itemFraction } from '../../src/core/selectors';
import { useMultipartUpload } from '../../src/react/useMultipartUpload';
import { usePresignedUpload } from '../../src/react/usePresignedUpload';
import { shallowEqualArrays, useUploaderState, useUploadItem } from '../../src/react/useUploaderState';
import type { UploadHookResult } from '../../src/react/useUploader';
import { blobSha256, bytesOf, createMemoryStorage, patternedFile, sha256 } from '../helpers/memoryStorage';
import { createUploadMocks } from '../../src/msw/index';

const API = 'http://api.test/upload';

const MiB = 1024 * 1024;
let protocol = createUploadMocks({ endpoint: API });
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  protocol = createUploadMocks({ endpoint: API });
});
afterAll(() => server.close());

function Uploader({ hook }: { hook: () => UploadHookResult }) {
  const { upload, items, status } = hook();
  return (
    <div>
      <input aria-label="files" type="file" multiple onChange={(e) => void upload(e.target.files!)} />
      <p data-testid="status">{status}</p>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            {item.name}: {item.status} {Math.round(itemFraction(item) * 100)}% {item.error?.code}
          </li>
        ))}
      </ul>
    </div>
  );
}

function pick(files: File[]) {
  fireEvent.change(screen.getByLabelText('files'), { target: { files } });
}

describe('usePresignedUpload', () => {
  it('uploads the bytes under StrictMode with no QueryClientProvider', async () => {
    server.use(...protocol.handlers);
    const file = patternedFile(200_000, 'report.pdf', 'application/pdf');
    render(
      <StrictMode>
        <Uploader hook={() => usePresignedUpload({ endpoint: API })} />
      </StrictMode>,
    );
    pick([file]);
    await screen.findByText('report.pdf: done 100%');
    expect(screen.getByTestId('status').textContent).toBe('done');
    expect([...protocol.objects.keys()]).toEqual(['uploads/mock/1.pdf']);
    expect(sha256(protocol.objects.get('uploads/mock/1.pdf'))).toBe(await blobSha256(file));
    expect(protocol.requests.map((r) => r.path)).toEqual(['presign', 'complete']);
    expect(protocol.requests[0]?.body).toEqual({
      file: { name: 'report.pdf', size: 200_000, type: 'application/pdf', lastModified: 1_700_000_000_000 },
      // The file's SHA-256, for the server to sign into the URL.
      checksum: createHash('sha256')
        .update(await bytesOf(file))
        .digest('base64'),
    });
  });

  /** Uploads one small file through `usePresignedUpload` under `client`. */
  async function uploadOneFileWith(client: QueryClient) {
    render(
      <QueryClientProvider client={client}>
        <Uploader hook={() => usePresignedUpload({ endpoint: API })} />
      </QueryClientProvider>,
    );
    pick([patternedFile(10, 'a.txt', 'text/plain')]);
    await screen.findByText('a.txt: done 100%');
  }

  it('runs control calls as mutations on the app QueryClient, gone from its cache once settled', async () => {
    server.use(...protocol.handlers);
    const client = new QueryClient();
    const added: unknown[] = [];
    client.getMutationCache().subscribe((event) => {
      if (event.type === 'added') added.push(event.mutation.options.mutationKey);
    });
    await uploadOneFileWith(client);
    expect(added).toEqual([
      ['upkit', 'presign'],
      ['upkit', 'complete'],
    ]);
    // Thousands of files must not leave thousands of answers in the app's cache.
    await waitFor(() => expect(client.getMutationCache().getAll()).toEqual([]));
  });

  it("keeps settled control calls for the app's upkit gcTime, then lets them go", async () => {
    server.use(...protocol.handlers);
    const client = new QueryClient();
    client.setMutationDefaults(['upkit'], { gcTime: 200 });
    await uploadOneFileWith(client);
    const settled = client.getMutationCache().getAll();
    expect(settled.map((m) => m.state.status)).toEqual(['success', 'success']);
    // No observer is left on them: the cache's garbage collection removes them after gcTime.
    await waitFor(() => expect(client.getMutationCache().getAll()).toEqual([]), { timeout: 2000 });
  });

  it('shows validation errors on the item and never contacts the backend for it', async () => {
    server.use(...protocol.handlers);
    render(<Uploader hook={() => usePresignedUpload({ endpoint: API, accept: 'image/*' })} />);
    pick([patternedFile(10, 'notes.txt', 'text/plain')]);
    await screen.findByText('notes.txt: error 0% file-type-not-allowed');
    expect(protocol.requests).toEqual([]);
  });

  it('calls the latest onSuccess after a re-render changed it', async () => {
    server.use(...protocol.handlers);
    const first = vi.fn();
    const second = vi.fn();
    const { rerender } = render(
      <Uploader hook={() => usePresignedUpload({ endpoint: API, onSuccess: first })} />,
    );
    rerender(<Uploader hook={() => usePresignedUpload({ endpoint: API, onSuccess: second })} />);
    pick([patternedFile(10)]);
    await waitFor(() => expect(second).toHaveBeenCalledTimes(1));
    expect(first).not.toHaveBeenCalled();
  });

  it("surfaces a backend error message from the JSON error body of the file's batch entry", async () => {
    const { http, HttpResponse } = await import('msw');
    server.use(
      http.post(`${API}/presign/batch`, () =>
        HttpResponse.json({
          results: [
            { status: 403, body: { error: { code: 'quota', message: 'You have used your 10 GB quota.' } } },
          ],
        }),
      ),
    );
    const onError = vi.fn();
    render(<Uploader hook={() => usePresignedUpload({ endpoint: API, onError })} />);
    pick([patternedFile(10, 'x.bin')]);
    await screen.findByText('x.bin: error 0% backend-error');
    const error = onError.mock.calls[0]?.[0] as UploadError;
    expect(error.message).toBe('You have used your 10 GB quota.');
    expect(error.status).toBe(403);
  });
});

describe('useMultipartUpload', () => {
  it('uploads parts through MSW and completes with ordered ETags', async () => {
    server.use(...protocol.handlers);
    const file = patternedFile(11 * MiB, 'movie.mp4', 'video/mp4');
    render(
      <StrictMode>
        <Uploader hook={() => useMultipartUpload({ endpoint: API, partSize: 5 * MiB })} />
      </StrictMode>,
    );
    pick([file]);
    await screen.findByText('movie.mp4: done 100%', undefined, { timeout: 4000 });
    const complete = protocol.requests.find((r) => r.path === 'multipart/complete')?.body as {
      parts: Array<{ partNumber: number; etag: string }>;
      token: string;
    };
    expect(complete.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(complete.parts.every((p) => /^"[0-9a-f]{32}"$/.test(p.etag))).toBe(true);
    expect(complete.token).toMatch(/^mock:mock-upload-/);
    const key = protocol.requests.find((r) => r.path === 'multipart/sign-parts')?.body as { key: string };
    expect(sha256(protocol.objects.get(key.key))).toBe(await blobSha256(file));
  });
});

describe('rendering', () => {
  /** A hook wired to in-memory storage whose progress frames the test flushes by hand. */
  function manualSetup() {
    const storage = createMemoryStorage();
    const frames: Array<() => void> = [];
    let report: ((n: number) => void) | undefined;
    let release: (() => void) | undefined;
    storage.intercept(
      (request) =>
        new Promise<undefined>((resolve, reject) => {
          report = request.onProgress;
          // Resolving with nothing lets the memory storage handle the PUT for real.
          release = () => resolve(undefined);
          request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'aborted')));
        }),
    );
    const options = {
      backend: storage.backend,
      transport: storage.transport,
      scheduleFrame: (flush: () => void) => {
        frames.push(flush);
        return () => undefined;
      },
    };
    const tick = (bytes: number) =>
      act(() => {
        report!(bytes);
        frames.splice(0).forEach((flush) => flush());
      });
    return { storage, options, tick, reported: () => report !== undefined, release: () => release?.() };
  }

  it('re-renders a component that reads only `status` on status changes, not on progress ticks', async () => {
    const { options, tick, reported } = manualSetup();
    const renders = { status: 0, progress: 0 };
    let api!: UploadHookResult;
    function StatusOnly() {
      api = usePresignedUpload(options);
      renders.status++;
      return <p>{api.status}</p>;
    }
    function ProgressReader() {
      const { progress } = usePresignedUpload(options);
      renders.progress++;
      return <p>{progress.bytesUploaded}</p>;
    }
    render(
      <>
        <StatusOnly />
        <ProgressReader />
      </>,
    );
    act(() => void api.upload([patternedFile(1000)]));
    await waitFor(() => expect(reported()).toBe(true));
    const before = renders.status;
    for (let i = 1; i <= 20; i++) tick(i * 40);
    expect(renders.status).toBe(before);
    expect(api.uploader.store.getState().items[0]?.bytesUploaded).toBe(800);
    await act(() => api.cancel());
    expect(renders.status).toBe(before + 1);
    // The other component has its own uploader with nothing in it: it never re-rendered.
    expect(renders.progress).toBe(1);
  });

  it('useUploadItem re-renders only the row whose item changed', async () => {
    const { options, tick, reported } = manualSetup();
    const rowRenders = new Map<string, number>();
    let api!: UploadHookResult;
    function Row({ id }: { id: string }) {
      const item = useUploadItem(api.uploader, id);
      rowRenders.set(item!.name, (rowRenders.get(item!.name) ?? 0) + 1);
      return <li>{item!.bytesUploaded}</li>;
    }
    function List() {
      api = usePresignedUpload({ ...options, concurrency: 1 });
      const ids = useUploaderState(api.uploader, (s) => s.items.map((i) => i.id), shallowEqualArrays);
      return (
        <ul>
          {ids.map((id) => (
            <Row key={id} id={id} />
          ))}
        </ul>
      );
    }
    render(<List />);
    act(() => void api.upload([patternedFile(1000, 'a'), patternedFile(1000, 'b')]));
    await waitFor(() => expect(reported()).toBe(true));
    const bBefore = rowRenders.get('b');
    const aBefore = rowRenders.get('a')!;
    tick(500); // progress for the file in flight ('a', with one data slot)
    expect(rowRenders.get('a')).toBeGreaterThan(aBefore);
    expect(rowRenders.get('b')).toBe(bBefore);
    await act(() => api.cancel());
  });

  it('unmounting pauses in-flight uploads: requests are aborted, nothing updates afterwards', async () => {
    const { options, reported } = manualSetup();
    const consoleError = vi.spyOn(console, 'error');
    let api!: UploadHookResult;
    function Host() {
      api = usePresignedUpload(options);
      return null;
    }
    const { unmount } = render(<Host />);
    act(() => void api.upload([patternedFile(1000)]));
    await waitFor(() => expect(reported()).toBe(true));
    unmount();
    expect(api.uploader.store.getState().items[0]?.status).toBe('paused');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('keeps uploading across StrictMode double effects', async () => {
    const storage = createMemoryStorage();
    const presignSignals: AbortSignal[] = [];
    const options = {
      backend: {
        ...storage.backend,
        presign: (...args: Parameters<typeof storage.backend.presign>) => {
          presignSignals.push(args[1].signal);
          return storage.backend.presign(...args);
        },
      },
      transport: storage.transport,
      // No hashing first: the presign is what is on its way when StrictMode unmounts.
      checksum: false,
    };
    const file = patternedFile(1000, 'dropped.bin');
    let api!: UploadHookResult;
    // Uploads its file on mount, once: StrictMode's simulated unmount then comes while the upload
    // is in flight, pauses it, and only the re-mount's wake-up can carry it on.
    function AutoUpload() {
      api = usePresignedUpload(options);
      const started = useRef(false);
      const { upload } = api;
      useEffect(() => {
        if (started.current) return;
        started.current = true;
        void upload([file]);
      }, [upload]);
      return <p>{api.status}</p>;
    }
    render(
      <StrictMode>
        <AutoUpload />
      </StrictMode>,
    );
    await waitFor(() => expect(api.uploader.store.getState().items.map((i) => i.status)).toEqual(['done']));
    await screen.findByText('done');
    // The presign went on through the simulated unmount (signing runs apart from the file's
    // run), and the resumed run used its URL: nothing was signed twice.
    expect(presignSignals.map((signal) => signal.aborted)).toEqual([false]);
    expect(storage.calls).toEqual(['presign', 'complete']);
    expect(sha256(storage.objects.get(api.uploader.store.getState().items[0]!.key!))).toBe(
      await blobSha256(file),
    );
  });
});
