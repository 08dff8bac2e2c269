// upkit as an app mounts it: a React root, a QueryClientProvider, and a component that uses
// `usePresignedUpload` or `useMultipartUpload` from the source and draws how many files are done
// from `items`. The `<Uploader>` contender mounts the styled component instead and is fed through
// its own file input.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import {
  useMultipartUpload,
  usePresignedUpload,
  type UploadHookResult,
  type UsePresignedUploadOptions,
} from '../../../src/react';
import { Uploader } from '../../../src/styled';
import '../../../src/styled/styles.css';
import type { RunConfig } from './api';

type Handle = Pick<UploadHookResult, 'upload' | 'uploader'>;

interface HarnessProps {
  options: UsePresignedUploadOptions & { partSize?: number };
  onReady: (handle: Handle) => void;
}

function Progress({ hook, onReady }: { hook: UploadHookResult; onReady: HarnessProps['onReady'] }) {
  const { items, upload, uploader } = hook;
  useEffect(() => onReady({ upload, uploader }), [onReady, upload, uploader]);
  const done = items.reduce((n, item) => n + (item.status === 'done' ? 1 : 0), 0);
  return (
    <p>
      {done} of {items.length} done
    </p>
  );
}

function SingleHarness({ options, onReady }: HarnessProps) {
  return <Progress hook={usePresignedUpload(options)} onReady={onReady} />;
}

function MultipartHarness({ options, onReady }: HarnessProps) {
  return <Progress hook={useMultipartUpload(options)} onReady={onReady} />;
}

export interface UpkitContender {
  run(files: readonly File[]): Promise<{ done: number; failed: number; storeUpdates: number }>;
}

/** Mounts the hook (multipart when the run's files are at least `threshold` bytes). */
export async function mountUpkit(config: RunConfig, multipart: boolean): Promise<UpkitContender> {
  const root: Root = createRoot(document.getElementById('root') as HTMLElement);
  const client = new QueryClient();
  const options = {
    endpoint: config.appUrl,
    concurrency: config.concurrency,
    checksum: config.checksum,
    ...(multipart ? { partSize: config.partSize } : {}),
  };
  const handle = await new Promise<Handle>((resolve) => {
    const Harness = multipart ? MultipartHarness : SingleHarness;
    root.render(
      <QueryClientProvider client={client}>
        <Harness options={options} onReady={resolve} />
      </QueryClientProvider>,
    );
  });
  let storeUpdates = 0;
  handle.uploader.store.subscribe(() => void storeUpdates++);
  return {
    async run(files) {
      storeUpdates = 0;
      const items = await handle.upload(files);
      const done = items.filter((item) => item.status === 'done').length;
      return { done, failed: items.length - done, storeUpdates };
    },
  };
}

export interface UploaderContender {
  /** Resolves once `expected` files have settled, timed from the input's `change` event. */
  settled(): Promise<{ done: number; failed: number; ms: number }>;
  /** When the input's `change` event came, for the probes' start. */
  onStart(listener: () => void): void;
}

/** Mounts the styled `<Uploader>`; files arrive through its own `<input type=file>`. */
export function mountUploader(config: RunConfig): UploaderContender {
  let done = 0;
  let failed = 0;
  let started = 0;
  let startListener = () => {};
  let resolveSettled: (value: { done: number; failed: number; ms: number }) => void = () => {};
  const settled = new Promise<{ done: number; failed: number; ms: number }>(
    (resolve) => (resolveSettled = resolve),
  );
  const check = () => {
    if (done + failed >= config.expectedFiles)
      resolveSettled({ done, failed, ms: performance.now() - started });
  };
  document.addEventListener(
    'change',
    () => {
      started = performance.now();
      startListener();
    },
    { capture: true },
  );
  createRoot(document.getElementById('root') as HTMLElement).render(
    <QueryClientProvider client={new QueryClient()}>
      <Uploader
        endpoint={config.appUrl}
        concurrency={config.concurrency}
        checksum={config.checksum}
        multipartThreshold={config.threshold}
        partSize={config.partSize}
        onSuccess={() => {
          done++;
          check();
        }}
        onError={() => {
          failed++;
          check();
        }}
      />
    </QueryClientProvider>,
  );
  return { settled: () => settled, onStart: (listener) => void (startListener = listener) };
}
