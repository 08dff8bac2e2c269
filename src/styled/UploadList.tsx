import {
  createContext,
  forwardRef,
  memo,
  useCallback,
  useContext,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type FocusEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { Virtualizer } from 'virtua';
import type { UploadEngine } from '../core/createUploadEngine';
import { itemFraction } from '../core/selectors';
import type { UploadItem } from '../core/types';
import { getActionProps, getItemProps, getProgressProps, type ItemAction } from '../headless/itemProps';
import type { UploadHookResult } from '../react/useUploader';
import { formatBytes, formatSpeed } from './format';
import { en, type StyledMessages } from './messages';

/** Props of {@link UploadList}. */
export interface UploadListProps {
  upload: Pick<UploadHookResult, 'items' | 'uploader'>;
  /** @default English */
  messages?: StyledMessages;
  /** Locale for numbers. @default the browser's */
  locale?: string;
  /**
   * Lists longer than this render only the rows in and near view (the list scrolls inside
   * `--upkit-list-max-block-size`). Shorter lists render every row. `Infinity` turns it off.
   * @default 100
   */
  virtualizeAbove?: number;
  className?: string;
}

const ACTIONS: ItemAction[] = ['pause', 'resume', 'retry', 'cancel', 'remove'];

interface RowContext {
  items: readonly UploadItem[];
  uploader: UploadEngine;
  messages: StyledMessages;
  locale: string | undefined;
}

/**
 * An image file in an <img> through an object URL, revoked when the element goes away (the ref's
 * null call, which React 18 and 19 both make for a ref that returns no cleanup). Memoized on the
 * file: a progress tick must not mint a new URL and make the browser decode the image again.
 */
const Thumbnail = memo(function Thumbnail({ file }: { file: Blob }) {
  const url = useRef<string | undefined>(undefined);
  const ref = useCallback(
    (img: HTMLImageElement | null) => {
      if (url.current) URL.revokeObjectURL(url.current);
      url.current = undefined;
      if (!img) return;
      url.current = URL.createObjectURL(file);
      img.src = url.current;
    },
    [file],
  );
  return (
    <img
      className="upkit-item__thumb"
      ref={ref}
      alt=""
      // A file the browser cannot decode shows the placeholder, not a broken image.
      onError={(event) => (event.currentTarget.style.visibility = 'hidden')}
    />
  );
});

// A row's content is memoized on its item: items are immutable, so a progress tick re-renders
// one row.
const RowContent = memo(function RowContent({
  item,
  uploader,
  messages,
  locale,
}: Omit<RowContext, 'items'> & { item: UploadItem }) {
  const isImage = item.file.type.startsWith('image/') && typeof URL.createObjectURL === 'function';
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <div className="upkit-item__card">
      {isImage ? <Thumbnail file={item.file} /> : <span className="upkit-item__thumb" aria-hidden="true" />}
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
                {formatSpeed(item.speed, locale)}
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
        {item.error && (
          <p className="upkit-item__error" data-code={item.error.code}>
            {messages.errorMessage(item.error, item)}
            {item.error.isFinal && !item.error.isValidation && ` ${messages.finalHint}`}
          </p>
        )}
      </div>
    </div>
  );
});

function rowProps(item: UploadItem, index: number, count: number) {
  // Position and size: screen readers say "file 998 of 1,000" though only a window is mounted.
  return getItemProps(item, {
    className: 'upkit-item',
    'aria-posinset': index + 1,
    'aria-setsize': count,
    'data-index': index,
  });
}

/** Focuses the row's `action` button, or its first visible one when that one is hidden. */
function focusRow(list: HTMLElement, index: number, action: string | undefined): void {
  const row = list.querySelector(`[data-index="${index}"]`);
  const target =
    row?.querySelector<HTMLElement>(`[data-action="${action ?? ''}"]:not([hidden])`) ??
    row?.querySelector<HTMLElement>('button:not([hidden])');
  target?.focus();
}

// The focused row and the rows beside it stay mounted: focus moves to a neighbour on removal.
function neighbours(index: number, count: number): number[] {
  return [index - 1, index, index + 1].filter((i) => i >= 0 && i < count);
}

const Rows = createContext<RowContext | null>(null);

function useRows(): RowContext {
  const context = useContext(Rows);
  if (!context) throw new Error('upkit: a virtual row rendered outside <UploadList>.');
  return context;
}

// virtua positions these; forwardRef (not a ref prop) so React 18 can pass the ref through.
const VirtualItems = forwardRef<HTMLUListElement, { style: CSSProperties; children: ReactNode }>(
  function VirtualItems({ style, children }, ref) {
    const { messages } = useRows();
    return (
      // role="list": Safari drops list semantics from a list with list-style: none.
      <ul ref={ref} style={style} className="upkit-list__items" role="list" aria-label={messages.listLabel}>
        {children}
      </ul>
    );
  },
);

const VirtualRow = forwardRef<HTMLLIElement, { style: CSSProperties; index: number; children: ReactNode }>(
  function VirtualRow({ style, index, children }, ref) {
    const { items } = useRows();
    const item = items[index];
    if (!item) return null;
    return (
      <li ref={ref} style={style} {...rowProps(item, index, items.length)}>
        {children}
      </li>
    );
  },
);

/**
 * The file list: name, size, image thumbnail, progress, speed and ETA, status, error with retry,
 * and the actions that apply. Long lists are virtualized (only rows in view are mounted), so a
 * list of thousands stays responsive; the row holding keyboard focus stays mounted.
 */
export function UploadList({
  upload,
  messages = en,
  locale,
  virtualizeAbove = 100,
  className,
}: UploadListProps) {
  const { items, uploader } = upload;
  // By id, not index: files removed above the focused one must not unmount it.
  const [focused, setFocused] = useState<{ id: string; index: number; action?: string } | undefined>(
    undefined,
  );
  const root = useRef<HTMLDivElement>(null);
  const acted = useRef<
    { id: string; index: number; action: string; fallback: HTMLElement | null | undefined } | undefined
  >(undefined);

  // An action must not drop keyboard focus to <body>. Pause hides the Pause button: focus goes
  // to the row's first visible button (Resume). Remove takes the row away: focus goes to the row
  // that takes its place, or the one before it at the end (the same Remove button when it has
  // one, so Enter, Enter, Enter removes file after file). The last file gone, focus goes to the
  // uploader's drop zone or button.
  useLayoutEffect(() => {
    const last = acted.current;
    acted.current = undefined;
    const list = root.current;
    const active = document.activeElement;
    const lost = !active || active === document.body;
    if (last) {
      if (items.length === 0) {
        if (lost) last.fallback?.focus();
        return;
      }
      if (!list || (!lost && !list.contains(active))) return;
      const at = items.findIndex((item) => item.id === last.id);
      const row = list.querySelector(`[data-index="${at}"]`);
      // The file is still there and its button still shows: focus has not moved.
      if (!lost && active instanceof HTMLElement && !active.hidden && row?.contains(active)) return;
      focusRow(list, at >= 0 ? at : Math.min(last.index, items.length - 1), last.action);
    } else if (focused && lost && list) {
      // The focused row was remounted (the list switched to or from windowing), or its button
      // hid itself as the upload moved on (Pause once done): focus the row again.
      focusRow(
        list,
        items.findIndex((item) => item.id === focused.id),
        focused.action,
      );
    }
  }, [items, focused]);

  if (items.length === 0) return null;

  const rowOf = (target: EventTarget | null) => {
    const row = target instanceof Element ? target.closest<HTMLElement>('[data-index]') : null;
    const index = Number(row?.dataset.index);
    return { index, item: row ? items[index] : undefined };
  };
  const onClick = (event: MouseEvent<HTMLElement>) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const { index, item } = rowOf(button);
    if (button?.dataset.action && item && button === document.activeElement) {
      acted.current = {
        id: item.id,
        index,
        action: button.dataset.action,
        fallback: root.current
          ?.closest('.upkit')
          ?.querySelector<HTMLElement>('.upkit-dropzone, .upkit-button'),
      };
    }
  };
  const onFocus = (event: FocusEvent<HTMLElement>) => {
    const { index, item } = rowOf(event.target);
    const action = (event.target as HTMLElement).dataset.action;
    setFocused(item ? { id: item.id, index, ...(action ? { action } : {}) } : undefined);
  };
  const onBlur = (event: FocusEvent<HTMLElement>) => {
    if (event.currentTarget.contains(event.relatedTarget)) return;
    // Focus left for another element, or for nothing while the page kept it (a click on plain
    // text): forget the row. The window losing focus (Alt+Tab) keeps it for when it comes back.
    if (event.relatedTarget || document.hasFocus()) setFocused(undefined);
  };

  // Measuring rows needs ResizeObserver; without it (jsdom, old browsers) every row renders.
  const virtual = items.length > virtualizeAbove && typeof ResizeObserver === 'function';
  // A removed focused file leaves its place to a neighbour, which must be mounted to take focus.
  const focusedAt = focused ? items.findIndex((item) => item.id === focused.id) : -1;
  const focusedIndex = focused && focusedAt < 0 ? Math.min(focused.index, items.length - 1) : focusedAt;
  return (
    <Rows.Provider value={{ items, uploader, messages, locale }}>
      {/* One outer element in both modes, so crossing virtualizeAbove keeps the scroller. */}
      <div
        className={['upkit-list', className].filter(Boolean).join(' ')}
        // Windowing needs a bounded scroller: inline, so it holds even without upkit/styles.css.
        style={virtual ? { maxBlockSize: 'var(--upkit-list-max-block-size, 28rem)', overflowY: 'auto' } : {}}
        ref={root}
        onClickCapture={onClick}
        onFocus={onFocus}
        onBlur={onBlur}
      >
        {virtual ? (
          <Virtualizer
            data={items}
            as={VirtualItems}
            item={VirtualRow}
            {...(focusedIndex < 0 ? {} : { keepMounted: neighbours(focusedIndex, items.length) })}
          >
            {(item: UploadItem) => (
              <RowContent key={item.id} item={item} uploader={uploader} messages={messages} locale={locale} />
            )}
          </Virtualizer>
        ) : (
          <ul className="upkit-list__items" role="list" aria-label={messages.listLabel}>
            {items.map((item, index) => (
              <li key={item.id} {...rowProps(item, index, items.length)}>
                <RowContent item={item} uploader={uploader} messages={messages} locale={locale} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </Rows.Provider>
  );
}
