import { useId, useRef, useState } from 'react';
import { isUploadError, type UploadError } from '../core/errors';
import type { ResumableUpload } from '../core/selectors';
import type { UploadHookResult } from '../react/useUploader';
import { formatBytePair } from './format';
import { en, type StyledMessages } from './messages';

/** Props of {@link ResumableList}. */
export interface ResumableListProps {
  upload: Pick<UploadHookResult, 'resumable' | 'restore' | 'discard'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  className?: string;
}

/**
 * The uploads a reload, a crash or a closed tab interrupted, each with Resume and Discard.
 * Resume reopens the file through its kept handle (one permission prompt) or, where the
 * browser kept none, asks the user to pick it; the parts storage holds are not sent again.
 * Renders nothing when there is nothing to resume.
 */
export function ResumableList({ upload, messages = en, locale, className }: ResumableListProps) {
  const headingId = useId();
  if (upload.resumable.length === 0) return null;
  return (
    <section className={['upkit-resumable', className].filter(Boolean).join(' ')} aria-labelledby={headingId}>
      <h3 id={headingId} className="upkit-resumable__title">
        {messages.resumableLabel}
      </h3>
      <ul className="upkit-list__items" role="list">
        {upload.resumable.map((entry) => (
          <ResumableRow key={entry.id} entry={entry} upload={upload} messages={messages} locale={locale} />
        ))}
      </ul>
    </section>
  );
}

function ResumableRow({
  entry,
  upload,
  messages,
  locale,
}: {
  entry: ResumableUpload;
  upload: ResumableListProps['upload'];
  messages: StyledMessages;
  locale: string | undefined;
}) {
  const [failure, setFailure] = useState<UploadError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const needsFile = !entry.canReopen || failure?.code === 'resume-needs-file';
  const picker = useRef<HTMLInputElement>(null);
  const [done, total] = formatBytePair(entry.bytesUploaded, entry.size, locale);

  const restore = (file?: File) => {
    setBusy(true);
    setFailure(undefined);
    upload.restore(entry.id, file).then(
      () => setBusy(false),
      (error: unknown) => {
        setBusy(false);
        // restore() rejects with UploadError only; anything else is a bug worth seeing.
        if (isUploadError(error)) setFailure(error);
        else console.error(error);
      },
    );
  };

  return (
    <li className="upkit-item" data-state="interrupted">
      <div className="upkit-item__card">
        <span className="upkit-item__thumb" aria-hidden="true" />
        <div className="upkit-item__body">
          <div className="upkit-item__row">
            <bdi className="upkit-item__name">{entry.name}</bdi>
            <bdi className="upkit-item__size">{total}</bdi>
          </div>
          <div className="upkit-item__row">
            <span className="upkit-item__status">{messages.interrupted(done, total)}</span>
            <span className="upkit-item__actions">
              <button
                type="button"
                className="upkit-action"
                disabled={busy}
                aria-label={messages.actionLabel(
                  needsFile ? messages.resumePick : messages.resume,
                  entry.name,
                )}
                onClick={() => (needsFile ? picker.current?.click() : restore())}
              >
                {needsFile ? messages.resumePick : messages.resume}
              </button>
              <button
                type="button"
                className="upkit-action"
                disabled={busy}
                aria-label={messages.actionLabel(messages.discard, entry.name)}
                onClick={() => void upload.discard(entry.id)}
              >
                {messages.discard}
              </button>
            </span>
          </div>
          {failure && (
            <p className="upkit-item__error" role="alert" data-code={failure.code}>
              {messages.resumeFailed(failure)}
            </p>
          )}
          <input
            ref={picker}
            type="file"
            hidden
            tabIndex={-1}
            aria-hidden="true"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) restore(file);
            }}
          />
        </div>
      </div>
    </li>
  );
}
