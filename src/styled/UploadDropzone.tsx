import { useId, type ReactNode } from 'react';
import { useDropzone, type UseDropzoneOptions } from '../headless/useDropzone';
import type { UploadHookResult } from '../react/useUploader';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadDropzone}. */
export interface UploadDropzoneProps extends Omit<UseDropzoneOptions, 'onFiles'> {
  /** The hook result files go to (`usePresignedUpload`, `useMultipartUpload`, `useUpload`). */
  upload: Pick<UploadHookResult, 'upload'>;
  /** @default English */
  messages?: Pick<StyledMessages, 'dropzone' | 'dropzoneActive'>;
  /** Extra content under the prompt. */
  children?: ReactNode;
  /** What may be dropped, in words: shown under the prompt and tied to it with `aria-describedby`. */
  hint?: ReactNode;
  className?: string;
}

/** A styled drop zone: `headless` useDropzone with `upkit/styles.css` classes. */
export function UploadDropzone({
  upload,
  messages = en,
  children,
  hint,
  className,
  ...options
}: UploadDropzoneProps) {
  const hintId = useId();
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    ...options,
    onFiles: (files) => void upload.upload(files),
  });
  // The limits sit outside the button (its name stays the prompt) and are its description.
  return (
    <>
      <div
        {...getRootProps({
          className: ['upkit-dropzone', className].filter(Boolean).join(' '),
          ...(hint ? { 'aria-describedby': hintId } : {}),
        })}
      >
        <input {...getInputProps()} />
        <span className="upkit-dropzone__prompt">
          {isDragActive ? messages.dropzoneActive : messages.dropzone}
        </span>
        {children}
      </div>
      {hint && (
        <p id={hintId} className="upkit-dropzone__hint">
          {hint}
        </p>
      )}
    </>
  );
}
