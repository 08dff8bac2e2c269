// ResumableList's section and rows: a chunk of its own, fetched when a reload, a crash or a closed
// tab left something to resume (most visits have nothing).
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { isUploadError, type UploadError } from '../core/errors.js';
import type { ResumableUpload } from '../core/selectors.js';
import type { ResumableListProps } from './ResumableList.js';
import { formatBytePair } from './format.js';
import { en, type StyledMessages } from './messages.js';
import { SlotButton, useSlots } from './slots.js';

/** The section, with one row per interrupted upload (there is at least one). */
export default function ResumableSection({ upload, messages = en, locale, className }: ResumableListProps) {
  const headingId = useId();
  const { cx } = useSlots();
  return (
    <section className={cx('resumable', className)} aria-labelledby={headingId}>
      <h3 id={headingId} className={cx('resumableTitle')}>
        {messages.resumableLabel}
      </h3>
      <ul className={cx('items')} role="list">
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
  const { cx } = useSlots();
  const [failure, setFailure] = useState<UploadError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const needsFile = !entry.canReopen || failure?.code === 'resume-needs-file';
  const picker = useRef<HTMLInputElement>(null);
  const row = useRef<HTMLLIElement>(null);
  const [done, total] = formatBytePair(entry.bytesUploaded, entry.size, locale);
  // A row that goes (resumed or discarded) while it holds focus hands focus on: to the next
  // interrupted upload, or the one before, or the drop zone; never to <body>. Its buttons are
  // aria-disabled while busy, not disabled, which would drop focus at once.
  useLayoutEffect(
    () => () => {
      const li = row.current;
      if (!li?.contains(document.activeElement)) return;
      const next =
        (li.nextElementSibling ?? li.previousElementSibling)?.querySelector<HTMLElement>('button') ??
        li.closest('[data-upkit], .upkit')?.querySelector<HTMLElement>('[data-upkit-home]');
      setTimeout(() => next?.focus());
    },
    [],
  );

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
    <li className={cx('item')} data-state="interrupted" ref={row}>
      <div className={cx('card')}>
        {/* The extension, as a list row's tile shows it. */}
        <span className={cx('thumb')} data-kind="file" aria-hidden="true">
          {/\.([a-z\d]{1,4})$/i.exec(entry.name)?.[1]?.toUpperCase()}
        </span>
        <div className={cx('body')}>
          <div className={cx('row')}>
            <bdi className={cx('name')}>{entry.name}</bdi>
            <bdi className={cx('size')}>{total}</bdi>
          </div>
          <div className={cx('row')}>
            <span className={cx('status')}>{messages.interrupted(done, total)}</span>
            <span className={cx('actions')}>
              <SlotButton
                className={cx('action')}
                aria-disabled={busy}
                aria-label={messages.actionLabel(
                  needsFile ? messages.resumePick : messages.resume,
                  entry.name,
                )}
                onClick={() => busy || (needsFile ? picker.current?.click() : restore())}
              >
                {needsFile ? messages.resumePick : messages.resume}
              </SlotButton>
              <SlotButton
                className={cx('action')}
                aria-disabled={busy}
                aria-label={messages.actionLabel(messages.discard, entry.name)}
                onClick={() => busy || void upload.discard(entry.id)}
              >
                {messages.discard}
              </SlotButton>
            </span>
          </div>
          {failure && (
            <p className={cx('error')} dir="auto" role="alert" data-code={failure.code}>
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
