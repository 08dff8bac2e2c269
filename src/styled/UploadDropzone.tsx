import type { ReactNode } from 'react';
import { useDropzone, type UseDropzoneOptions } from '../headless/useDropzone';
import type { UploadHookResult } from '../react/useUploader';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadDropzone}. */
export interface UploadDropzoneProps extends Omit<UseDropzoneOptions, 'onFiles'> {
  /** The hook result files go to (`usePresignedUpload`, `useMultipartUpload`, `useUpload`). */
  upload: Pick<UploadHookResult, 'upload'>;
  /** @default English */
  messages?: Pick<StyledMessages, 'dropzone' | 'dropzoneActive'>;
  /** Extra content under the prompt (limits, hints). */
  children?: ReactNode;
  className?: string;
}

/** A styled drop zone: `headless` useDropzone with `upkit/styles.css` classes. */
export function UploadDropzone({
  upload,
  messages = en,
  children,
  className,
  ...options
}: UploadDropzoneProps) {
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    ...options,
    onFiles: (files) => void upload.upload(files),
  });
  return (
    <div {...getRootProps({ className: ['upkit-dropzone', className].filter(Boolean).join(' ') })}>
      <input {...getInputProps()} />
      <span className="upkit-dropzone__prompt">
        {isDragActive ? messages.dropzoneActive : messages.dropzone}
      </span>
      {children}
    </div>
  );
}
