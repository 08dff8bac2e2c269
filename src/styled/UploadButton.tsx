import type { ReactNode } from 'react';
import { useDropzone, type UseDropzoneOptions } from '../headless/useDropzone.js';
import type { UploadHookResult } from '../react/useUploader.js';
import { en, type StyledMessages } from './messages.js';
import { useSlots } from './slots.js';

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
  const { cx } = useSlots();
  const { getRootProps, getInputProps } = useDropzone({
    ...options,
    onFiles: (files) => void upload.upload(files),
  });
  return (
    <div {...getRootProps({ className: cx('button', className), 'data-upkit-home': '' })}>
      <input {...getInputProps()} />
      {children ?? messages.browse}
    </div>
  );
}
