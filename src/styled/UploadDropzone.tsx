import { useId, useRef, type ReactNode } from 'react';
import { useDropzone, type UseDropzoneOptions } from '../headless/useDropzone.js';
import type { UploadHookResult } from '../react/useUploader.js';
import { en, type StyledMessages } from './messages.js';
import { SlotButton, useSlots } from './slots.js';

/** Props of {@link UploadDropzone}. */
export interface UploadDropzoneProps extends Omit<UseDropzoneOptions, 'onFiles'> {
  /** The hook result files go to (`usePresignedUpload`, `useMultipartUpload`, `useUpload`). */
  upload: Pick<UploadHookResult, 'upload'>;
  /** @default English */
  messages?: Pick<StyledMessages, 'dropzone' | 'dropzoneActive' | 'chooseFolder'>;
  /** Extra content under the prompt. */
  children?: ReactNode;
  /** What may be dropped, in words: shown under the prompt and tied to it with `aria-describedby`. */
  hint?: ReactNode;
  /**
   * A "Choose a folder" button beside the drop zone (`webkitdirectory`): every file in the folder,
   * each with its path in it sent as `metadata.relativePath`. Dropped folders always work.
   */
  folders?: boolean;
  /**
   * On phones, open the camera instead of the file chooser: `environment` (back) or `user`
   * (front). Use it where `accept` is images or video only; desktops ignore it.
   */
  capture?: 'user' | 'environment';
  className?: string;
}

/** A styled drop zone: `headless` useDropzone with `upkit/styles.css` classes. */
export function UploadDropzone({
  upload,
  messages = en,
  children,
  hint,
  folders = false,
  capture,
  className,
  ...options
}: UploadDropzoneProps) {
  const hintId = useId();
  const { cx } = useSlots();
  const folderInput = useRef<HTMLInputElement>(null);
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    ...options,
    onFiles: (files) => void upload.upload(files),
  });
  // The limits sit outside the button (its name stays the prompt) and are its description.
  return (
    <>
      <div
        {...getRootProps({
          className: cx('dropzone', className),
          // Where focus goes when the list's last file is removed.
          'data-upkit-home': '',
          ...(hint ? { 'aria-describedby': hintId } : {}),
        })}
      >
        <input {...getInputProps(capture ? { capture } : {})} />
        <span className={cx('prompt')}>{isDragActive ? messages.dropzoneActive : messages.dropzone}</span>
        {children}
      </div>
      {hint && (
        <p id={hintId} className={cx('hint')}>
          {hint}
        </p>
      )}
      {folders && (
        <>
          <SlotButton
            className={cx('action', cx('folderButton'))}
            onClick={() => folderInput.current?.click()}
          >
            {messages.chooseFolder}
          </SlotButton>
          <input
            ref={folderInput}
            type="file"
            hidden
            tabIndex={-1}
            multiple
            // React passes unknown lower-case attributes through: the folder picker.
            {...{ webkitdirectory: '' }}
            onChange={(event) => {
              const picked = [...(event.currentTarget.files ?? [])];
              event.currentTarget.value = '';
              if (picked.length > 0) void upload.upload(picked);
            }}
          />
        </>
      )}
    </>
  );
}
