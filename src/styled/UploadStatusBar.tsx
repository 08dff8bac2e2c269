import { useLayoutEffect, useRef } from 'react';
import { counts, selectProgress, selectStatus } from '../core/selectors.js';
import type { UploadItem } from '../core/types.js';
import { canPerform } from '../headless/itemProps.js';
import type { UploadHookResult } from '../react/useUploader.js';
import { formatBytes, formatSpeed } from './format.js';
import { en, type StyledMessages } from './messages.js';
import { SlotButton, useSlots } from './slots.js';

/** Props of {@link UploadStatusBar}. */
export interface UploadStatusBarProps {
  upload: Pick<UploadHookResult, 'items' | 'uploader'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  /**
   * Files added with `autoStart: false` and not started yet: shows "Upload N files", which calls
   * `start` (`<Uploader>` passes its own, which checks required fields first).
   */
  waiting?: { items: readonly UploadItem[]; start: () => void };
  className?: string;
}

/**
 * The whole list in one line: files uploaded of total, bytes, speed and time left, and the
 * actions for all files at once (pause, resume, retry what can succeed, cancel). Shows nothing
 * for an empty list. Not a live region: `UploadAnnouncer` says the same once.
 */
export function UploadStatusBar({ upload, messages = en, locale, waiting, className }: UploadStatusBarProps) {
  const { items, uploader } = upload;
  const { cx, Progress } = useSlots();
  const bar = useRef<HTMLDivElement>(null);
  // Set by a click on one of the bar's buttons: where focus goes if the click hid that button.
  const home = useRef<HTMLElement | null | undefined>(undefined);
  // Pause all becomes Resume all, Cancel all can empty the bar: focus must not drop to <body>.
  // It goes to the bar's first button, or, with none left, to the drop zone.
  useLayoutEffect(() => {
    const fallback = home.current;
    if (fallback === undefined) return;
    home.current = undefined;
    const active = document.activeElement as HTMLElement | null;
    if (active && active !== document.body && active.isConnected && !active.hidden) return;
    (bar.current?.querySelector<HTMLElement>('button:not([hidden])') ?? fallback)?.focus();
  });
  const files = items.filter(counts);
  // Files waiting for "Upload N files" are neither paused nor canceled from here: they have not
  // started, and each row can remove its own.
  const held = new Set(waiting?.items);
  const live = files.filter((item) => !held.has(item));
  if (files.length === 0) return null;
  // With files held, the started ones by id (one store update): the engine's call for all would
  // pause, resume or cancel the held ones too, and a held file resumed would upload without its
  // fields checked.
  const forLive = (act: 'pause' | 'resume' | 'cancel') => () =>
    void uploader[act](held.size ? live.map((item) => item.id) : undefined);
  const progress = selectProgress(items);
  const status = selectStatus(files);
  const count = (test: (item: UploadItem) => boolean) => files.filter(test).length;
  const retryable = files.filter((item) => canPerform(item, 'retry'));
  const summary = messages.summary({
    done: count((item) => item.status === 'done'),
    total: files.length,
    failed: count((item) => item.status === 'error'),
    paused: count((item) => item.status === 'paused'),
  });
  const percent = Math.round(progress.fraction * 100);
  const bytes = `${formatBytes(progress.bytesUploaded, locale)} / ${formatBytes(progress.bytesTotal, locale)}`;
  const moving = status === 'uploading' && progress.speed > 0;
  const actions = [
    {
      label: messages.uploadFiles(held.size),
      show: held.size > 0,
      run: () => waiting?.start(),
      primary: true,
    },
    {
      label: messages.pauseAll,
      show: live.some((i) => canPerform(i, 'pause')),
      run: forLive('pause'),
    },
    {
      label: messages.resumeAll,
      show: live.some((i) => canPerform(i, 'resume')),
      run: forLive('resume'),
    },
    {
      label: messages.retryFailed,
      show: retryable.length > 0,
      run: () => retryable.forEach((item) => uploader.retry(item.id)),
    },
    {
      label: messages.cancelAll,
      show: live.some((i) => i.status !== 'done' && i.status !== 'error' && canPerform(i, 'cancel')),
      run: forLive('cancel'),
    },
  ];
  return (
    <div
      ref={bar}
      className={cx('statusBar', className)}
      role="group"
      aria-label={messages.statusBarLabel}
      data-state={status}
      onClickCapture={() => {
        home.current =
          bar.current?.closest('[data-upkit], .upkit')?.querySelector<HTMLElement>('[data-upkit-home]') ??
          null;
      }}
    >
      <Progress
        className={cx('progress')}
        role="progressbar"
        // Not the group's own name again: "Upload progress of all uploads".
        aria-label={messages.progressLabel(messages.statusBarLabel.toLowerCase())}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%, ${summary}`}
        data-state={status}
        value={percent}
      />
      <div className={cx('row')}>
        {/* auto: English words in a right-to-left page keep their order, and Arabic its own. */}
        <span className={cx('summary')} dir="auto">
          {summary}
          {' · '}
          <bdi>{bytes}</bdi>
          {moving && (
            <>
              {' · '}
              {formatSpeed(progress.speed, locale)}
              {progress.eta !== undefined && ` · ${messages.remaining(progress.eta)}`}
            </>
          )}
        </span>
        <span className={cx('actions')}>
          {actions
            .filter((action) => action.show)
            .map((action) => (
              <SlotButton
                key={action.label}
                className={cx('action')}
                onClick={action.run}
                {...('primary' in action ? { 'data-primary': '' } : {})}
              >
                {action.label}
              </SlotButton>
            ))}
        </span>
      </div>
    </div>
  );
}
