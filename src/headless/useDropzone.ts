import {
  useCallback,
  useRef,
  useState,
  type ChangeEvent,
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
  type Ref,
} from 'react';
import { lazyChunk } from '../core/lazyChunk.js';
import { snapshotDrop, type DropSnapshot } from './collectFiles.js';
import { mergeProps } from './composeProps.js';

const loadWalker = /* @__PURE__ */ lazyChunk(() => import('./collectDroppedFiles.js'));
// A drop waits this long for the walker: a fetch that stalls on a train must not hold the files.
const WALKER_WAIT_MS = 3000;

/**
 * A drop's files, folders walked. The walker is fetched as a drag enters (so it is there by the
 * drop). If it cannot be (offline, or still loading after 3 s), the drop's plain files arrive,
 * without its folders (the browser lists each as a file that cannot be read).
 */
function collect(drop: DropSnapshot, limit: number): Promise<File[]> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (files: File[] | Promise<File[]>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(files);
    };
    const plainFiles = () => drop.files.filter((_, index) => !drop.entries?.[index]?.isDirectory);
    const plain = () => settle(plainFiles());
    const timer = setTimeout(plain, WALKER_WAIT_MS);
    loadWalker().then(({ collectDroppedFiles }) => {
      // The walker skips what it cannot read; should it throw all the same, the plain files arrive.
      if (!settled) settle(collectDroppedFiles(drop, limit).catch(plainFiles));
    }, plain);
  });
}

/** Options of {@link useDropzone}. */
export interface UseDropzoneOptions {
  /**
   * Receives every picked, dropped or pasted file, none left out: limits are the uploader's
   * (`maxFiles`, `accept`, sizes), which keeps refused files in its list with their reason.
   */
  onFiles: (files: File[]) => void;
  /**
   * Let the file picker select several files. Drops and pastes of several files still deliver
   * them all: give the uploader `maxFiles: 1` and the extra ones show as refused.
   * @default true
   */
  multiple?: boolean;
  /**
   * Passed to the input's `accept` (the browser's file picker filter).
   * @default any
   */
  accept?: string | readonly string[];
  /**
   * Stop walking dropped folders one file past this many, so a huge folder does not stall the
   * page and an uploader with the same `maxFiles` shows that files were left out.
   * @default Infinity
   */
  maxFiles?: number;
  /**
   * Ignore every interaction.
   * @default false
   */
  disabled?: boolean;
  /**
   * Do not open the picker on click (keep keyboard and drop).
   * @default false
   */
  noClick?: boolean;
  /**
   * Accept pasted files (Ctrl/Cmd+V while the zone has focus).
   * @default true
   */
  paste?: boolean;
}

/** Props the root element receives from `getRootProps`. */
export interface DropzoneRootProps {
  role: 'button';
  tabIndex: number;
  'aria-disabled'?: true;
  'data-state': 'idle' | 'dragging';
  'data-disabled'?: '';
  onClick: (event: MouseEvent<HTMLElement>) => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  onKeyUp: (event: KeyboardEvent<HTMLElement>) => void;
  onDragEnter: (event: DragEvent<HTMLElement>) => void;
  onDragOver: (event: DragEvent<HTMLElement>) => void;
  onDragLeave: (event: DragEvent<HTMLElement>) => void;
  onDrop: (event: DragEvent<HTMLElement>) => void;
  onPaste: (event: ClipboardEvent<HTMLElement>) => void;
  [key: string]: unknown;
}

/** Props the hidden `<input type="file">` receives from `getInputProps`. */
export interface DropzoneInputProps {
  type: 'file';
  multiple: boolean;
  accept?: string;
  disabled: boolean;
  tabIndex: -1;
  hidden: true;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  onClick: (event: MouseEvent<HTMLInputElement>) => void;
  ref: Ref<HTMLInputElement>;
  [key: string]: unknown;
}

/** What {@link useDropzone} returns. */
export interface DropzoneState {
  /** Spread on the drop target. Your props win; your handlers run first (preventDefault skips ours). */
  getRootProps: (props?: Record<string, unknown>) => DropzoneRootProps;
  /** Spread on a hidden `<input type="file">` inside the root. */
  getInputProps: (props?: Record<string, unknown>) => DropzoneInputProps;
  /** Files are being dragged over the zone. */
  isDragActive: boolean;
  /** Opens the file picker. */
  open: () => void;
}

/**
 * Headless drop zone with prop getters, in the manner of react-dropzone: click, Enter/Space,
 * drag and drop (folders walked incrementally up to `maxFiles`), and paste. Renders nothing and
 * has no styles: state is exposed as `data-state` and `aria-*`.
 *
 * @example
 * const { getRootProps, getInputProps } = useDropzone({ onFiles: upload })
 * <div {...getRootProps({ 'aria-label': 'Upload files' })}><input {...getInputProps()} />Drop files</div>
 */
export function useDropzone(options: UseDropzoneOptions): DropzoneState {
  const {
    onFiles,
    multiple = true,
    accept,
    maxFiles = Infinity,
    disabled = false,
    noClick = false,
    paste = true,
  } = options;
  const inputRef = useRef<HTMLInputElement | null>(null);
  // dragenter/dragleave fire for every child crossed: count them to know when the drag left.
  const depth = useRef(0);
  const [isDragActive, setDragActive] = useState(false);

  const deliver = useCallback(
    (files: File[]) => {
      if (files.length > 0) onFiles(files);
    },
    [onFiles],
  );

  const open = useCallback(() => {
    if (!disabled) inputRef.current?.click();
  }, [disabled]);

  const getRootProps = (props: Record<string, unknown> = {}): DropzoneRootProps =>
    mergeProps(
      {
        role: 'button' as const,
        tabIndex: disabled ? -1 : 0,
        ...(disabled ? { 'aria-disabled': true as const, 'data-disabled': '' as const } : {}),
        'data-state': isDragActive ? ('dragging' as const) : ('idle' as const),
        onClick: () => {
          if (!noClick) open();
        },
        onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
          // Only when the zone itself has focus, not a button inside it.
          if (event.target !== event.currentTarget) return;
          // As a native button: Enter acts on key down (once, not on auto-repeat), Space on key
          // up (its key down only keeps the page from scrolling).
          if (event.key === 'Enter' || event.key === ' ') event.preventDefault();
          if (event.key === 'Enter' && !event.repeat) open();
        },
        onKeyUp: (event: KeyboardEvent<HTMLElement>) => {
          if (event.target === event.currentTarget && event.key === ' ') open();
        },
        onDragEnter: (event: DragEvent<HTMLElement>) => {
          event.preventDefault();
          if (disabled) return;
          depth.current++;
          setDragActive(true);
          loadWalker().catch(() => undefined);
        },
        onDragOver: (event: DragEvent<HTMLElement>) => {
          // preventDefault is what makes an element a drop target.
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        },
        onDragLeave: () => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragActive(false);
        },
        onDrop: (event: DragEvent<HTMLElement>) => {
          event.preventDefault();
          depth.current = 0;
          setDragActive(false);
          if (disabled) return;
          // Read now: the browser empties the DataTransfer once this handler returns.
          void collect(snapshotDrop(event.dataTransfer), maxFiles + 1).then(deliver);
        },
        onPaste: (event: ClipboardEvent<HTMLElement>) => {
          if (disabled || !paste) return;
          const files = Array.from(event.clipboardData?.files ?? []);
          if (files.length > 0) {
            event.preventDefault();
            deliver(files);
          }
        },
      },
      props,
    );

  const getInputProps = ({ ref: theirRef, ...props }: Record<string, unknown> = {}): DropzoneInputProps =>
    mergeProps(
      {
        type: 'file' as const,
        multiple,
        ...(accept === undefined ? {} : { accept: typeof accept === 'string' ? accept : accept.join(',') }),
        disabled,
        tabIndex: -1 as const,
        hidden: true as const,
        // Both refs see the element: open() needs ours, the caller may need theirs.
        ref: (element: HTMLInputElement | null) => {
          inputRef.current = element;
          if (typeof theirRef === 'function') theirRef(element);
          else if (theirRef && typeof theirRef === 'object')
            (theirRef as { current: unknown }).current = element;
        },
        // The root's click handler opens the picker; a click bubbling up from the input must
        // not open it a second time.
        onClick: (event: MouseEvent<HTMLInputElement>) => event.stopPropagation(),
        onChange: (event: ChangeEvent<HTMLInputElement>) => {
          const files = Array.from(event.target.files ?? []);
          // Clear the value so picking the same file again fires change again.
          event.target.value = '';
          deliver(files);
        },
      },
      props,
    );

  return { getRootProps, getInputProps, isDragActive, open };
}
