import type { ReactNode } from 'react';
import { useDropzone, type UseDropzoneOptions } from '../headless/useDropzone';
import type { UploadHookResult } from '../react/useUploader';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadButton}. */
export interface UploadButtonProps extends Omit<UseDropzoneOptions, 'onFiles' | 'noClick'> {
  upload: Pick<UploadHookResult, 'upload'>;
  /** @default English */
  messages?: Pick<StyledMessages, 'browse'>;
  /** The label; defaults to `messages.browse`. */
  children?: ReactNode;
  className?: string;
}

/** A button that opens the file picker (and accepts drops and pastes). */
export function UploadButton({ upload, messages = en, children, className, ...options }: UploadButtonProps) {
  const { getRootProps, getInputProps } = useDropzone({
    ...options,
    onFiles: (files) => void upload.upload(files),
  });
  return (
    <div {...getRootProps({ className: ['upkit-button', className].filter(Boolean).join(' ') })}>
      <input {...getInputProps()} />
      {children ?? messages.browse}
    </div>
  );
}
