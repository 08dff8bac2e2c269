import { memo, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  itemFraction,
  withHandle,
  type ResumableFileHandle,
  type UploadEngine,
  type UploadItem,
} from 'upkit';
import { useUpload } from 'upkit/react';
import { ResumableList } from 'upkit/styled';
import 'upkit/styles.css';
import { Bucket, formatBytes, useBucket } from './bucket';
import { StyledDemo } from './StyledDemo';

const params = new URLSearchParams(location.search);
const number = (name: string) => (params.has(name) ? Number(params.get(name)) : undefined);
const MiB = 1024 * 1024;

// Memoized on the item: items are immutable, so a row re-renders only when its own file changes.
const Row = memo(function Row({ item, actions }: { item: UploadItem; actions: UploadEngine }) {
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <tr data-name={item.name} data-status={item.status} data-key={item.key ?? ''}>
      <td>{item.name}</td>
      <td>{formatBytes(item.size)}</td>
      <td>{item.mode}</td>
      <td>
        <progress
          max={100}
          value={percent}
          aria-label={`${item.name} upload progress`}
          aria-valuenow={percent}
        />{' '}
        {percent}%
      </td>
      <td>
        {item.status}
        {item.status === 'uploading' && item.speed > 0 && (
          <span className="muted">
            {' '}
            {formatBytes(item.speed)}/s{item.eta !== undefined && `, ${Math.ceil(item.eta)} s left`}
          </span>
        )}
        {item.error && <div className="error">{item.error.message}</div>}
      </td>
      <td>
        {(item.status === 'uploading' || item.status === 'queued' || item.status === 'signing') && (
          <button onClick={() => actions.pause(item.id)}>Pause</button>
        )}
        {item.status === 'paused' && <button onClick={() => actions.resume(item.id)}>Resume</button>}
        {item.status === 'error' && !item.error?.isValidation && (
          <button onClick={() => actions.retry(item.id)}>Retry</button>
        )}
        {item.status !== 'done' && item.status !== 'canceled' && item.status !== 'completing' && (
          <button onClick={() => void actions.cancel(item.id)}>Cancel</button>
        )}
      </td>
    </tr>
  );
});

type OpenFilePicker = (options: { multiple: boolean }) => Promise<ResumableFileHandle[]>;

/**
 * Files picked through the File System Access API carry their handle, so an interrupted upload
 * resumes after a restart with one click and no picking (Chromium; elsewhere the plain input).
 */
function FileAccessButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const picker = (window as { showOpenFilePicker?: OpenFilePicker }).showOpenFilePicker;
  if (!picker) return null;
  return (
    <button
      type="button"
      onClick={() => {
        void picker({ multiple: true })
          .then((handles) =>
            Promise.all(handles.map(async (handle) => withHandle(await handle.getFile(), handle))),
          )
          .then(onFiles, () => undefined); // Dismissed: nothing picked.
      }}
    >
      Choose with file access
    </button>
  );
}

function Demo() {
  const bucket = useBucket();
  const [over, setOver] = useState(false);
  const upload = useUpload({
    endpoint: '/api/upload',
    multipartThreshold: number('threshold') ?? 16 * MiB,
    partSize: number('partSize') ?? 5 * MiB,
    ...(number('concurrency') ? { concurrency: number('concurrency') } : {}),
    ...(number('stallTimeoutMs') ? { stallTimeoutMs: number('stallTimeoutMs') } : {}),
    ...(params.get('checksum') === '0' ? { checksum: false } : {}),
    onSuccess: bucket.refresh,
  });
  const { items, progress, status } = upload;

  return (
    <main>
      <h1>upkit demo</h1>
      <p className="muted">
        Files go from this page straight to the bucket through presigned URLs; the server only signs and
        checks. Files from {formatBytes(number('threshold') ?? 16 * MiB)} use multipart. This page runs the
        bare hook; <a href="?ui=styled">see the ready-made component</a>.
      </p>
      <div
        className="drop"
        data-over={over}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          void upload.upload(event.dataTransfer.files);
        }}
      >
        <label>
          Drop files here or{' '}
          <input
            type="file"
            multiple
            aria-label="Choose files"
            onChange={(event) => {
              if (event.target.files) void upload.upload(event.target.files);
              event.target.value = '';
            }}
          />
        </label>{' '}
        <FileAccessButton onFiles={(files) => void upload.upload(files)} />
      </div>
      <ResumableList upload={upload} />
      <p data-testid="summary" data-status={status}>
        {status}: {formatBytes(progress.bytesUploaded)} of {formatBytes(progress.bytesTotal)}
        {progress.speed > 0 && ` at ${formatBytes(progress.speed)}/s`}{' '}
        {items.length > 0 && (
          <>
            <button onClick={() => upload.pause()}>Pause all</button>
            <button onClick={() => upload.resume()}>Resume all</button>
            <button onClick={() => void upload.reset()}>Clear</button>
          </>
        )}
      </p>
      {items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>File</th>
              <th>Size</th>
              <th>Mode</th>
              <th>Progress</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <Row key={item.id} item={item} actions={upload.uploader} />
            ))}
          </tbody>
        </table>
      )}
      <Bucket objects={bucket.objects} />
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('The demo page lost its #root element.');
createRoot(root).render(
  <StrictMode>
    {params.get('ui') === 'styled' ? (
      <StyledDemo
        multipartThreshold={number('threshold') ?? 16 * MiB}
        partSize={number('partSize') ?? 5 * MiB}
      />
    ) : (
      <Demo />
    )}
  </StrictMode>,
);
