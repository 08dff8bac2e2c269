import { UploadAnnouncer } from '../headless/UploadAnnouncer';
import { useUpload, type UseUploadOptions } from '../react/useUpload';
import { useUploaderState } from '../react/useUploaderState';
import { en, type StyledMessages } from './messages';
import { UploadDropzone } from './UploadDropzone';
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
  className?: string;
};

/**
 * Everything in one: drop zone, the uploads a reload interrupted (to resume or discard), list
 * and live announcements, on `useUpload`.
 */
export function Uploader({ messages = en, locale, theme = 'system', className, ...options }: UploaderProps) {
  const upload = useUpload(options as UseUploadOptions);
  const { accept, maxFiles } = options as { accept?: string | readonly string[]; maxFiles?: number };
  const offline = useUploaderState(upload.uploader, (state) => state.offline);
  return (
    <div
      className={['upkit', className].filter(Boolean).join(' ')}
      {...(theme === 'system' ? {} : { 'data-theme': theme })}
    >
      <UploadDropzone
        upload={upload}
        messages={messages}
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
      <UploadList upload={upload} messages={messages} {...(locale === undefined ? {} : { locale })} />
      <UploadAnnouncer uploader={upload.uploader} messages={messages} />
    </div>
  );
}
