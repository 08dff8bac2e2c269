import { itemFraction, type UploadEngineOptions } from 'upkit';
import {
  getActionProps,
  getItemProps,
  getProgressProps,
  UploadAnnouncer,
  useDropzone,
  useUpload,
  type ItemAction,
} from 'upkit/react';

const ACTIONS: ItemAction[] = ['pause', 'resume', 'cancel', 'retry', 'remove'];
const LABELS: Record<ItemAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
};

/** Props of the story's uploader: the hook options that stories vary. */
export type HeadlessUploaderProps = Pick<
  UploadEngineOptions,
  'accept' | 'maxFileSize' | 'maxFiles' | 'multipartThreshold' | 'partSize' | 'retry' | 'concurrency'
> & { disabled?: boolean };

/**
 * An uploader assembled from upkit's headless parts with a few lines of plain CSS: what an app
 * writes when it brings its own design.
 */
export function HeadlessUploader({ disabled, ...options }: HeadlessUploaderProps) {
  const upload = useUpload({ endpoint: '/api/upload', resumeStorage: false, ...options });
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    onFiles: (files) => void upload.upload(files),
    ...(options.accept === undefined ? {} : { accept: options.accept }),
    ...(disabled === undefined ? {} : { disabled }),
  });
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 560 }}>
      <div
        {...getRootProps()}
        style={{
          border: `2px dashed ${isDragActive ? '#1d4ed8' : '#6b7280'}`,
          borderRadius: 12,
          padding: 24,
          textAlign: 'center',
          opacity: disabled ? 0.5 : 1,
        }}
      >
        <input {...getInputProps()} data-testid="file-input" />
        {/* The visible text is the accessible name (WCAG 2.5.3, label in name). */}
        {isDragActive
          ? 'Upload files: drop them now'
          : 'Upload files: drop them here, or press Enter to choose'}
      </div>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {upload.items.map((item) => (
          <li
            key={item.id}
            {...getItemProps(item)}
            style={{ padding: '8px 0', borderBottom: '1px solid #d1d5db' }}
          >
            <strong>{item.name}</strong> <span data-testid="status">{item.status}</span>
            <div
              {...getProgressProps(item)}
              style={{ height: 6, background: '#e5e7eb', borderRadius: 3, margin: '6px 0' }}
            >
              <div
                style={{
                  width: `${Math.round(itemFraction(item) * 100)}%`,
                  height: '100%',
                  background: item.status === 'error' ? '#b91c1c' : '#1d4ed8',
                  borderRadius: 3,
                }}
              />
            </div>
            {item.error && <p style={{ color: '#991b1b', margin: '4px 0' }}>{item.error.message}</p>}
            {ACTIONS.map((action) => (
              <button
                key={action}
                {...getActionProps(upload.uploader, item, action)}
                style={{ marginInlineEnd: 6 }}
              >
                {LABELS[action]}
              </button>
            ))}
          </li>
        ))}
      </ul>
      <UploadAnnouncer uploader={upload.uploader} />
    </div>
  );
}
