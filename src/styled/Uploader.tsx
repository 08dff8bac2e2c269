import { UploadAnnouncer } from '../headless/UploadAnnouncer';
import { useUpload, type UseUploadOptions } from '../react/useUpload';
import { useUploaderState } from '../react/useUploaderState';
import { en, type StyledMessages } from './messages';
import { formatBytes } from './format';
import { parseAccept } from '../core/validate';
import { UploadDropzone } from './UploadDropzone';
import { UploadStatusBar } from './UploadStatusBar';
import { ResumableList } from './ResumableList';
import { UploadList } from './UploadList';

/** Props of {@link Uploader}: the hook's options, plus presentation. */
export type UploaderProps = UseUploadOptions & {
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  /** `light`, `dark`, or follow the system. @default 'system' */
  theme?: 'light' | 'dark' | 'system';
  /** The status bar over the list (totals, and actions for every file). @default true */
  statusBar?: boolean;
  /** A "Choose a folder" button beside the drop zone; each file's path goes as metadata. @default false */
  folders?: boolean;
  /** On phones, pick with the camera (`environment`, `user`); for image or video `accept` only. */
  capture?: 'user' | 'environment';
  className?: string;
};

/**
 * Everything in one: drop zone, the uploads a reload interrupted (to resume or discard), list
 * and live announcements, on `useUpload`.
 */
export function Uploader({
  messages = en,
  locale,
  theme = 'system',
  statusBar = true,
  folders = false,
  capture,
  className,
  ...options
}: UploaderProps) {
  const upload = useUpload(options as UseUploadOptions);
  const { accept, maxFiles, maxFileSize } = options as {
    accept?: string | readonly string[];
    maxFiles?: number;
    maxFileSize?: number;
  };
  const hint = messages.restrictions({
    accept: parseAccept(accept),
    // A limit reads "20 MB", not "20.0 MB".
    ...(maxFileSize === undefined
      ? {}
      : { maxFileSize: formatBytes(maxFileSize, locale).replace(/[.,]0(?=\D*$)/, '') }),
    ...(maxFiles === undefined ? {} : { maxFiles }),
  });
  const offline = useUploaderState(upload.uploader, (state) => state.offline);
  return (
    <div
      className={['upkit', className].filter(Boolean).join(' ')}
      {...(theme === 'system' ? {} : { 'data-theme': theme })}
    >
      <UploadDropzone
        upload={upload}
        messages={messages}
        hint={hint}
        folders={folders}
        {...(capture === undefined ? {} : { capture })}
        {...(accept === undefined ? {} : { accept })}
        // Folder walks stop past the limit; a one-file uploader's picker picks one.
        {...(maxFiles === undefined ? {} : { maxFiles, multiple: maxFiles !== 1 })}
      />
      {offline && (
        <p className="upkit-offline" role="status">
          {messages.offline}
        </p>
      )}
      <ResumableList upload={upload} messages={messages} {...(locale === undefined ? {} : { locale })} />
      {statusBar && (
        <UploadStatusBar upload={upload} messages={messages} {...(locale === undefined ? {} : { locale })} />
      )}
      <UploadList upload={upload} messages={messages} {...(locale === undefined ? {} : { locale })} />
      <UploadAnnouncer uploader={upload.uploader} messages={messages} />
    </div>
  );
}
