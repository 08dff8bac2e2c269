import {
  createContext,
  forwardRef,
  memo,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type FocusEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import type { UploadEngine } from '../core/createUploadEngine.js';
import { itemFraction } from '../core/selectors.js';
import type { UploadItem } from '../core/types.js';
import {
  canPerform,
  getActionProps,
  getItemProps,
  getProgressProps,
  type ItemAction,
} from '../headless/itemProps.js';
import type { UploadHookResult } from '../react/useUploader.js';
import { formatBytes, formatSpeed } from './format.js';
import { ItemFields, type UploadField } from './ItemFields.js';
import { en, type StyledMessages } from './messages.js';
import { SlotButton, useSlots } from './slots.js';
import { Thumbnail } from './Thumbnail.js';
import type * as VirtuaModule from './virtua.js';

type Virtua = typeof VirtuaModule;

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
  /**
   * Fields asked for each file before it starts (titles, alt text), sent as its metadata; shown
   * on the files `editable` allows (`<Uploader>` passes those an "Upload N files" button has
   * not started yet).
   */
  fields?: readonly UploadField[];
  /** Which files show their `fields`. @default files `queued` */
  editable?: (item: UploadItem) => boolean;
  /** Marks the empty required fields (`<Uploader>` sets it when a start was refused for them). */
  showMissing?: boolean;
  className?: string;
}

const ACTIONS: ItemAction[] = ['pause', 'resume', 'retry', 'cancel', 'remove'];

interface RowOptions {
  uploader: UploadEngine;
  messages: StyledMessages;
  locale: string | undefined;
  fields: readonly UploadField[] | undefined;
  showMissing: boolean;
}

interface RowContext extends RowOptions {
  items: readonly UploadItem[];
}

const queued = (item: UploadItem) => item.status === 'queued';

// A row's content is memoized on its item: items are immutable, so a progress tick re-renders
// one row.
const RowContent = memo(function RowContent({
  item,
  uploader,
  messages,
  locale,
  fields,
  showMissing,
  editing,
}: RowOptions & { item: UploadItem; editing: boolean }) {
  const { cx, Progress } = useSlots();
  const percent = Math.round(itemFraction(item) * 100);
  return (
    <div className={cx('card')}>
      <Thumbnail file={item.file} name={item.name} />
      <div className={cx('body')}>
        <div className={cx('row')}>
          {/* <bdi>: names and "4.0 KB" keep their own direction inside right-to-left text. */}
          <bdi className={cx('name')}>{item.name}</bdi>
          <bdi className={cx('size')}>{formatBytes(item.size, locale)}</bdi>
        </div>
        {editing && fields && (
          <ItemFields
            item={item}
            fields={fields}
            uploader={uploader}
            messages={messages}
            showMissing={showMissing}
          />
        )}
        <Progress {...getProgressProps(item, { className: cx('progress') }, messages)} value={percent} />
        <div className={cx('row')}>
          <span className={cx('status')}>
            {messages.status[item.status]}
            {item.status === 'uploading' && item.speed > 0 && (
              <>
                {' · '}
                {formatSpeed(item.speed, locale)}
                {item.eta !== undefined && ` · ${messages.remaining(item.eta)}`}
              </>
            )}
          </span>
          <span className={cx('actions')}>
            {/* Only what applies: a design system's button may override the `hidden` attribute. */}
            {/* A file waiting for "Upload N files" has not started: Remove is its one action. */}
            {ACTIONS.filter((action) => canPerform(item, action) && (!editing || action === 'remove')).map(
              (action) => (
                <SlotButton
                  key={action}
                  {...getActionProps(uploader, item, action, { className: cx('action') }, messages)}
                >
                  {messages[action]}
                </SlotButton>
              ),
            )}
          </span>
        </div>
        {item.error && (
          <p className={cx('error')} dir="auto" data-code={item.error.code}>
            {messages.errorMessage(item.error, item)}
            {item.error.isFinal && !item.error.isValidation && ` ${messages.finalHint}`}
          </p>
        )}
      </div>
    </div>
  );
});

function rowProps(item: UploadItem, index: number, count: number, className: string | undefined) {
  // Position and size: screen readers say "file 998 of 1,000" though only a window is mounted.
  return getItemProps(item, {
    className,
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

// virtua (5 kB) is fetched with the first list long enough to window: most apps never list 100
// files, and those that do get it in one small request.
let virtua: Virtua | undefined;
let loadingVirtua: Promise<unknown> | undefined;

/** Fetches virtua (once); the list windows from its next render. */
export function loadVirtua(): Promise<unknown> {
  loadingVirtua ??= import('./virtua.js').then((module) => {
    virtuaFailed = false;
    return (virtua = module);
  });
  return loadingVirtua;
}

const NO_STORE = { subscribe: () => () => undefined, getState: () => ({ adding: 0 }) };

// The last fetch of virtua failed (offline, not cached): every row is shown until one succeeds.
let virtuaFailed = false;

function useVirtua(needed: boolean): Virtua | undefined {
  const [, settled] = useState(0);
  useEffect(() => {
    if (!needed || virtua) return;
    let live = true;
    loadVirtua().then(
      () => live && settled((n) => n + 1),
      // The next long list asks again.
      () => {
        loadingVirtua = undefined;
        virtuaFailed = true;
        if (live) settled((n) => n + 1);
      },
    );
    return () => {
      live = false;
    };
  }, [needed]);
  return needed ? virtua : undefined;
}

function useRows(): RowContext {
  const context = useContext(Rows);
  if (!context) throw new Error('upkit: a virtual row rendered outside <UploadList>.');
  return context;
}

// virtua positions these; forwardRef (not a ref prop) so React 18 can pass the ref through.
const VirtualItems = forwardRef<HTMLUListElement, { style: CSSProperties; children: ReactNode }>(
  function VirtualItems({ style, children }, ref) {
    const { messages } = useRows();
    const { cx } = useSlots();
    return (
      // role="list": Safari drops list semantics from a list with list-style: none.
      <ul ref={ref} style={style} className={cx('items')} role="list" aria-label={messages.listLabel}>
        {children}
      </ul>
    );
  },
);

const VirtualRow = forwardRef<HTMLLIElement, { style: CSSProperties; index: number; children: ReactNode }>(
  function VirtualRow({ style, index, children }, ref) {
    const { items } = useRows();
    const { cx } = useSlots();
    const item = items[index];
    if (!item) return null;
    return (
      <li ref={ref} style={style} {...rowProps(item, index, items.length, cx('item'))}>
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
  fields,
  editable = queued,
  showMissing = false,
  className,
}: UploadListProps) {
  const { items, uploader } = upload;
  const { cx } = useSlots();
  // Measuring rows needs ResizeObserver; without it (jsdom, old browsers) every row renders. A
  // long drop still being added (`adding`) windows from its first slice: mounting 100 rows only
  // to swap them for virtua's window cost two long tasks.
  // (An uploader without a store, as tests and wrappers pass, adds nothing.)
  const store = (uploader as Partial<UploadEngine>).store ?? NO_STORE;
  const adding = useSyncExternalStore(
    store.subscribe,
    () => store.getState().adding,
    () => 0,
  );
  const virtual = items.length + adding > virtualizeAbove && typeof ResizeObserver === 'function';
  const windowing = useVirtua(virtual);
  // By id, not index: files removed above the focused one must not unmount it.
  const [focused, setFocused] = useState<{ id: string; index: number; action?: string } | undefined>(
    undefined,
  );
  const root = useRef<HTMLDivElement>(null);
  // A page's first Intl.NumberFormat loads ICU's data (20 to 30 ms): made while the page is idle,
  // not in the task of the first drop.
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') return;
    const idle = requestIdleCallback(() => formatBytes(0, locale));
    return () => cancelIdleCallback(idle);
  }, [locale]);
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
          ?.closest('[data-upkit], .upkit')
          ?.querySelector<HTMLElement>('[data-upkit-home]'),
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

  // A removed focused file leaves its place to a neighbour, which must be mounted to take focus.
  const focusedAt = focused ? items.findIndex((item) => item.id === focused.id) : -1;
  const focusedIndex = focused && focusedAt < 0 ? Math.min(focused.index, items.length - 1) : focusedAt;
  const options: RowOptions = { uploader, messages, locale, fields, showMissing };
  const row = (item: UploadItem) => (
    <RowContent key={item.id} item={item} {...options} editing={fields !== undefined && editable(item)} />
  );
  return (
    <Rows.Provider value={{ items, ...options }}>
      {/* One outer element in both modes, so crossing virtualizeAbove keeps the scroller. */}
      <div
        className={cx('list', className)}
        // Windowing needs a bounded scroller: inline, so it holds even without upkit/styles.css.
        style={virtual ? { maxBlockSize: 'var(--upkit-list-max-block-size, 28rem)', overflowY: 'auto' } : {}}
        ref={root}
        onClickCapture={onClick}
        onFocus={onFocus}
        onBlur={onBlur}
      >
        {virtual && windowing ? (
          <windowing.Virtualizer
            data={items}
            as={VirtualItems}
            item={VirtualRow}
            // Rows start at 95 px (the default styles'), not virtua's 40: its first window mounts
            // the 5 rows in view, not 12 of which it drops 5 once measured, in the same task
            // (issue 12). A snapshot, not itemSize, so rows not yet measured still take the median.
            cache={[[], 95]}
            {...(focusedIndex < 0 ? {} : { keepMounted: neighbours(focusedIndex, items.length) })}
          >
            {row}
          </windowing.Virtualizer>
        ) : (
          <ul className={cx('items')} role="list" aria-label={messages.listLabel}>
            {/* While virtua loads, the first rows (more than a scroller shows): never thousands. */}
            {(virtual && !virtuaFailed ? items.slice(0, Math.min(virtualizeAbove, 24)) : items).map(
              (item, index) => (
                <li key={item.id} {...rowProps(item, index, items.length, cx('item'))}>
                  {row(item)}
                </li>
              ),
            )}
          </ul>
        )}
      </div>
    </Rows.Provider>
  );
}
