import { useRef, useState } from 'react';
import type { UploadItem } from '../core/types.js';
import { UploadAnnouncer } from '../headless/UploadAnnouncer.js';
import { useUpload, type UseUploadOptions } from '../react/useUpload.js';
import { useUploaderState } from '../react/useUploaderState.js';
import { en, type StyledMessages } from './messages.js';
import { formatBytes } from './format.js';
import { parseAccept } from '../core/validate.js';
import { UploadDropzone } from './UploadDropzone.js';
import { UploadStatusBar } from './UploadStatusBar.js';
import { ResumableList } from './ResumableList.js';
import { UploadList } from './UploadList.js';
import { missingFields, type UploadField } from './ItemFields.js';
import { SlotButton, UploaderSlots, useSlots, type UploaderSlotProps } from './slots.js';

/** Props of {@link Uploader}: the hook's options, plus presentation. */
export type UploaderProps = UseUploadOptions &
  UploaderSlotProps & {
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
    /** On phones, pick with the camera (`environment`, `user`); only where `accept` is image or video types. */
    capture?: 'user' | 'environment';
    /**
     * Fields asked for each file before it uploads (title, description, alt text), sent as its
     * metadata. Use with `autoStart: false`: files wait, with their fields, for "Upload N files".
     */
    fields?: readonly UploadField[];
    className?: string;
  };

/**
 * Everything in one: drop zone, the uploads a reload interrupted (to resume or discard), list
 * and live announcements, on `useUpload`.
 */
export function Uploader({ classNames, components, unstyled, ...props }: UploaderProps) {
  return (
    <UploaderSlots
      {...(classNames && { classNames })}
      {...(components && { components })}
      {...(unstyled && { unstyled })}
    >
      <UploaderParts {...props} />
    </UploaderSlots>
  );
}

function UploaderParts({
  messages = en,
  locale,
  theme = 'system',
  statusBar = true,
  folders = false,
  capture,
  fields,
  className,
  ...options
}: Omit<UploaderProps, keyof UploaderSlotProps>) {
  const { cx } = useSlots();
  const upload = useUpload(options as UseUploadOptions);
  const { accept, maxFiles, maxFileSize, autoStart } = options as {
    accept?: string | readonly string[];
    maxFiles?: number;
    maxFileSize?: number;
    autoStart?: boolean;
  };
  // Files an "Upload N files" click started: they keep status `queued` until their turn, but
  // their fields can no longer change what the backend is told.
  const root = useRef<HTMLDivElement>(null);
  const [started, setStarted] = useState<ReadonlySet<string>>(() => new Set());
  const [showMissing, setShowMissing] = useState(false);
  const manual = autoStart === false;
  const editable = (item: UploadItem) => manual && item.status === 'queued' && !started.has(item.id);
  const waiting = manual ? upload.items.filter(editable) : [];
  const start = () => {
    // A drop still being added comes in now (add() adds what is still to come first): every file
    // is checked for its fields, and none starts unchecked.
    upload.uploader.add([]);
    const waiting = upload.uploader.store.getState().items.filter(editable);
    const incomplete = fields ? waiting.filter((item) => missingFields(fields, item).length > 0) : [];
    if (incomplete.length > 0) {
      setShowMissing(true);
      // After the render that marks them: the first empty required field takes focus.
      requestAnimationFrame(() => root.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setShowMissing(false);
    setStarted(new Set([...started, ...waiting.map((item) => item.id)]));
    // All at once, in order: files start as many ahead of the data slots as when auto-started.
    upload.start();
  };
  const types = parseAccept(accept);
  const hint = messages.restrictions({
    accept: types,
    // A limit reads "20 MB", not "20.0 MB".
    ...(maxFileSize === undefined
      ? {}
      : { maxFileSize: formatBytes(maxFileSize, locale).replace(/[.,]0(?=\D*$)/, '') }),
    ...(maxFiles === undefined ? {} : { maxFiles }),
  });
  const offline = useUploaderState(upload.uploader, (state) => state.offline);
  const inLocale = locale === undefined ? {} : { locale };
  return (
    <div
      className={cx('root', className)}
      ref={root}
      // Where the list and the status bar find the drop zone to hand focus back to.
      data-upkit=""
      {...(theme === 'system' ? {} : { 'data-theme': theme })}
    >
      <UploadDropzone
        upload={upload}
        messages={messages}
        hint={hint}
        folders={folders}
        // The camera instead of the chooser only where it can take every accepted type.
        {...(capture && types.length && types.every((type) => /^(image|video)\//.test(type))
          ? { capture }
          : {})}
        {...(accept === undefined ? {} : { accept })}
        // Folder walks stop past the limit; a one-file uploader's picker picks one.
        {...(maxFiles === undefined ? {} : { maxFiles, multiple: maxFiles !== 1 })}
      />
      {offline && (
        <p className={cx('offline')} role="status">
          {messages.offline}
        </p>
      )}
      <ResumableList upload={upload} messages={messages} {...inLocale} />
      {statusBar && (
        <UploadStatusBar
          upload={upload}
          messages={messages}
          {...inLocale}
          {...(manual ? { waiting: { items: waiting, start } } : {})}
        />
      )}
      <UploadList
        upload={upload}
        messages={messages}
        {...inLocale}
        {...(fields ? { fields } : {})}
        editable={editable}
        showMissing={showMissing}
      />
      {/* Without the status bar, its "Upload N files" still has to be somewhere. */}
      {!statusBar && waiting.length > 0 && (
        <SlotButton className={cx('action')} data-primary="" onClick={start}>
          {messages.uploadFiles(waiting.length)}
        </SlotButton>
      )}
      <UploadAnnouncer uploader={upload.uploader} messages={messages} />
    </div>
  );
}
