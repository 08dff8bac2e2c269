import { selectProgress, selectStatus } from '../core/selectors';
import type { UploadItem } from '../core/types';
import { canPerform } from '../headless/itemProps';
import type { UploadHookResult } from '../react/useUploader';
import { formatBytes, formatSpeed } from './format';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadStatusBar}. */
export interface UploadStatusBarProps {
  upload: Pick<UploadHookResult, 'items' | 'uploader'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  className?: string;
}

// Files the user meant to upload: not canceled, not refused before any request.
const counted = (item: UploadItem) => item.status !== 'canceled' && !item.error?.isValidation;

/**
 * The whole list in one line: files uploaded of total, bytes, speed and time left, and the
 * actions for all files at once (pause, resume, retry what can succeed, cancel). Shows nothing
 * for an empty list. Not a live region: `UploadAnnouncer` says the same once.
 */
export function UploadStatusBar({ upload, messages = en, locale, className }: UploadStatusBarProps) {
  const { items, uploader } = upload;
  const files = items.filter(counted);
  if (files.length === 0) return null;
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
      label: messages.pauseAll,
      show: files.some((i) => canPerform(i, 'pause')),
      run: () => uploader.pause(),
    },
    {
      label: messages.resumeAll,
      show: files.some((i) => canPerform(i, 'resume')),
      run: () => uploader.resume(),
    },
    {
      label: messages.retryFailed,
      show: retryable.length > 0,
      run: () => retryable.forEach((item) => uploader.retry(item.id)),
    },
    {
      label: messages.cancelAll,
      show: files.some((i) => i.status !== 'done' && i.status !== 'error' && canPerform(i, 'cancel')),
      run: () => void uploader.cancel(),
    },
  ];
  return (
    <div
      className={['upkit-statusbar', className].filter(Boolean).join(' ')}
      role="group"
      aria-label={messages.statusBarLabel}
      data-state={status}
    >
      <div
        className="upkit-progress"
        role="progressbar"
        aria-label={messages.statusBarLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%, ${summary}`}
      >
        <div className="upkit-progress__indicator" style={{ inlineSize: `${percent}%` }} />
      </div>
      <div className="upkit-item__row">
        <span className="upkit-statusbar__summary">
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
        <span className="upkit-item__actions">
          {actions
            .filter((action) => action.show)
            .map((action) => (
              <button key={action.label} type="button" className="upkit-action" onClick={action.run}>
                {action.label}
              </button>
            ))}
        </span>
      </div>
    </div>
  );
}
