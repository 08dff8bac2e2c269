import { memo } from 'react';
import type { UploadEngine } from '../core/createUploadEngine';
import { itemFraction } from '../core/selectors';
import type { UploadItem } from '../core/types';
import { getActionProps, getItemProps, getProgressProps, type ItemAction } from '../headless/itemProps';
import type { UploadHookResult } from '../react/useUploader';
import { formatBytes } from './format';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadList}. */
export interface UploadListProps {
  upload: Pick<UploadHookResult, 'items' | 'uploader'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  className?: string;
}

const ACTIONS: ItemAction[] = ['pause', 'resume', 'retry', 'cancel', 'remove'];

const objectUrls = new WeakMap<HTMLImageElement, string>();

/**
 * A ref that shows an image file in an <img> through an object URL, revoked when the element
 * goes away (a ref cleanup in React 19, the null call in React 18).
 */
function thumbnailRef(file: Blob) {
  return (img: HTMLImageElement | null) => {
    if (!img) return;
    const url = URL.createObjectURL(file);
    objectUrls.set(img, url);
    img.src = url;
    return () => {
      URL.revokeObjectURL(url);
      objectUrls.delete(img);
    };
  };
}

// Rows are memoized on their item: items are immutable, so a progress tick re-renders one row.
const Row = memo(function Row({
  item,
  uploader,
  messages,
  locale,
}: {
  item: UploadItem;
  uploader: UploadEngine;
  messages: StyledMessages;
  locale: string | undefined;
}) {
  const isImage = item.file.type.startsWith('image/') && typeof URL.createObjectURL === 'function';
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <li {...getItemProps(item, { className: 'upkit-item' })}>
      {isImage ? (
        <img
          className="upkit-item__thumb"
          ref={thumbnailRef(item.file)}
          alt=""
          // A file the browser cannot decode shows the placeholder, not a broken image.
          onError={(event) => (event.currentTarget.style.visibility = 'hidden')}
        />
      ) : (
        <span className="upkit-item__thumb" aria-hidden="true" />
      )}
      <div className="upkit-item__body">
        <div className="upkit-item__row">
          {/* <bdi>: names and "4.0 KB" keep their own direction inside right-to-left text. */}
          <bdi className="upkit-item__name">{item.name}</bdi>
          <bdi className="upkit-item__size">{formatBytes(item.size, locale)}</bdi>
        </div>
        <div {...getProgressProps(item, { className: 'upkit-progress' }, messages)}>
          <div className="upkit-progress__indicator" style={{ inlineSize: `${percent}%` }} />
        </div>
        <div className="upkit-item__row">
          <span className="upkit-item__status">
            {messages.status[item.status]}
            {item.status === 'uploading' && item.speed > 0 && (
              <>
                {' · '}
                {formatBytes(item.speed, locale)}/s
                {item.eta !== undefined && ` · ${messages.remaining(item.eta)}`}
              </>
            )}
          </span>
          <span className="upkit-item__actions">
            {ACTIONS.map((action) => (
              <button
                key={action}
                {...getActionProps(uploader, item, action, { className: 'upkit-action' }, messages)}
              >
                {messages[action]}
              </button>
            ))}
          </span>
        </div>
        {item.error && <p className="upkit-item__error">{item.error.message}</p>}
      </div>
    </li>
  );
});

/**
 * The file list: name, size, image thumbnail, progress, speed and ETA, status, error with retry,
 * and the actions that apply. Rows skip layout off screen (`content-visibility`), so long lists
 * stay cheap.
 */
export function UploadList({ upload, messages = en, locale, className }: UploadListProps) {
  if (upload.items.length === 0) return null;
  return (
    <ul className={['upkit-list', className].filter(Boolean).join(' ')}>
      {upload.items.map((item) => (
        <Row key={item.id} item={item} uploader={upload.uploader} messages={messages} locale={locale} />
      ))}
    </ul>
  );
}
