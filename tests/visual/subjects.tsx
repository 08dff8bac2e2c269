import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { CSSProperties, ReactNode } from 'react';
import { createUploader, UploadError, validateFile, type ResumableUpload, type UploadItem } from 'upkit';
import { mockUploadItem } from 'upkit/msw';
import {
  ResumableList,
  Uploader,
  UploadList,
  UploadStatusBar,
  type StyledMessages,
  type UploadField,
} from 'upkit/styled';
import 'upkit/styles.css';
import { page, type Locator } from 'vitest/browser';

// Fixed subjects for the screenshots: items in a given state, never a live upload, so nothing
// moves between two captures.

// Never asked to upload: it only backs the action buttons, which the screenshots do not press.
const uploader = createUploader({ endpoint: '/api/upload' });

// A thumbnail that decodes the same way every time: a 24x16 PNG of flat colour blocks (sky,
// grass, a sun), lossless, no text. SVG would not do: createImageBitmap refuses SVG blobs.
const PNG = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAKklEQVR42mPgW/qSKohhYAz6dUYUGY0aREuDBl/008Ug0QZbqqBRgwgjAKJgEZaYEpRvAAAAAElFTkSuQmCC',
  ),
  (char) => char.charCodeAt(0),
);

const item = (name: string, size: number, fields: Partial<UploadItem> = {}) =>
  mockUploadItem({ name, size, ...fields });

/** One file per status, with the fields a real upload in that status would have. */
export function everyState(): UploadItem[] {
  return [
    item('waiting.csv', 320_000, { type: 'text/csv' }),
    item('signing.pdf', 1_200_000, { type: 'application/pdf', status: 'signing' }),
    item('video.mp4', 48_000_000, {
      type: 'video/mp4',
      status: 'uploading',
      bytesUploaded: 19_200_000,
      speed: 2_400_000,
      eta: 12,
    }),
    item('finishing.mov', 8_000_000, {
      type: 'video/quicktime',
      status: 'completing',
      bytesUploaded: 8_000_000,
    }),
    item('paused.zip', 300_000, { type: 'application/zip', status: 'paused', bytesUploaded: 120_000 }),
    item('photo.png', 1_820_000, {
      type: 'image/png',
      file: new File([PNG], 'photo.png', { type: 'image/png' }),
      status: 'done',
      bytesUploaded: 1_820_000,
    }),
    item('offline.bin', 5_000, {
      status: 'error',
      bytesUploaded: 2_000,
      error: new UploadError('network', 'The network dropped. Check the connection and retry.'),
    }),
    item('fake.png.exe', 64_000, {
      status: 'error',
      bytesUploaded: 64_000,
      error: new UploadError('backend-error', "The file's content is not image/png.", {
        status: 415,
        serverCode: 'content-mismatch',
      }),
    }),
    item('canceled.iso', 700_000_000, { status: 'canceled', bytesUploaded: 35_000_000 }),
  ];
}

/** 1,000 files, the first few moving: the windowed list. */
export function thousandFiles(): UploadItem[] {
  return Array.from({ length: 1000 }, (_, i) =>
    item(`file-${String(i + 1).padStart(4, '0')}.bin`, 1_000 * (i + 1), {
      ...(i < 3 ? { status: 'uploading', bytesUploaded: 250 * (i + 1), speed: 50_000, eta: 3 } : {}),
    }),
  );
}

export const statusBarItems = {
  uploading: (): UploadItem[] => [
    item('done.txt', 2_000_000, { status: 'done', bytesUploaded: 2_000_000 }),
    item('a.mp4', 30_000_000, { status: 'uploading', bytesUploaded: 12_000_000, speed: 1_500_000 }),
    item('b.mp4', 18_000_000, { status: 'uploading', bytesUploaded: 6_000_000, speed: 900_000 }),
    item('c.mp4', 10_000_000),
  ],
  done: (): UploadItem[] => [
    item('a.jpg', 2_400_000, { status: 'done', bytesUploaded: 2_400_000 }),
    item('b.jpg', 1_100_000, { status: 'done', bytesUploaded: 1_100_000 }),
    item('c.jpg', 3_600_000, { status: 'done', bytesUploaded: 3_600_000 }),
  ],
  failed: (): UploadItem[] => [
    item('a.jpg', 2_400_000, { status: 'done', bytesUploaded: 2_400_000 }),
    item('b.jpg', 1_100_000, {
      status: 'error',
      bytesUploaded: 400_000,
      error: new UploadError('network', 'The network dropped.'),
    }),
    item('c.jpg', 3_600_000, { status: 'paused', bytesUploaded: 1_800_000 }),
  ],
  // After "Pause all": nothing failed, nothing moving.
  paused: (): UploadItem[] => [
    item('a.mp4', 30_000_000, { status: 'done', bytesUploaded: 30_000_000 }),
    item('b.mp4', 18_000_000, { status: 'paused', bytesUploaded: 6_000_000 }),
    item('c.mp4', 10_000_000, { status: 'paused' }),
  ],
};

/** Files refused before any request (too large, a type not accepted), with the engine's own errors. */
export function refused(): UploadItem[] {
  const limits = { maxFileSize: 20_000_000, accept: ['image/*', '.pdf'] };
  return [
    { name: 'scan.pdf', size: 48_000_000, type: 'application/pdf' },
    { name: 'setup.exe', size: 2_400_000, type: 'application/vnd.microsoft.portable-executable' },
  ].map((file) =>
    item(file.name, file.size, { type: file.type, status: 'error', error: validateFile(file, limits, 0) }),
  );
}

/**
 * Uploads a reload interrupted: one the browser can reopen, one whose file must be picked again,
 * and `gone`, which fails when resumed.
 */
export function interrupted(): ResumableUpload[] {
  const savedAt = Date.UTC(2025, 0, 6, 9, 30);
  const entry = (id: string, name: string, size: number, bytesUploaded: number, canReopen: boolean) => ({
    id,
    name,
    size,
    type: 'video/mp4',
    lastModified: savedAt,
    bytesUploaded,
    savedAt,
    expiresAt: savedAt + 86_400_000,
    canReopen,
  });
  return [
    entry('interview', 'interview.mp4', 2_400_000_000, 1_150_000_000, true),
    entry('keynote', 'keynote.mp4', 640_000_000, 96_000_000, false),
    entry('gone', 'rehearsal.mp4', 900_000_000, 300_000_000, true),
  ];
}

/** What resuming `gone` answers: storage forgot it (the row shows why). */
const restore = (id: string) =>
  id === 'gone'
    ? Promise.reject(
        new UploadError('resume-gone', 'This upload can no longer be resumed. Upload the file again.'),
      )
    : new Promise<never>(() => undefined);

/** Files waiting for "Upload 2 files", one with its title typed and one left empty (marked). */
export function withFields(): { items: UploadItem[]; fields: UploadField[] } {
  return {
    items: [
      item('bike.png', 1_800_000, { type: 'image/png', metadata: { title: 'My bike' } }),
      item('notes.pdf', 240_000, { type: 'application/pdf' }),
    ],
    fields: [
      { name: 'title', label: 'Title', required: true },
      { name: 'alt', label: 'Alt text', type: 'textarea', when: (file) => file.type.startsWith('image/') },
    ],
  };
}

/** Status bar and list in one `.upkit` panel, as `<Uploader>` stacks them. */
export function Panel({
  items,
  statusBar = true,
  list = true,
  messages,
  locale = 'en-US',
  theme,
  scrolls = false,
  fields,
  resumable,
}: {
  items: UploadItem[];
  statusBar?: boolean;
  list?: boolean;
  messages?: StyledMessages;
  locale?: string;
  theme?: 'light' | 'dark';
  /** The list scrolls past its default height, as in an app; else every row is in view. */
  scrolls?: boolean;
  /** Fields asked before upload, with "Upload N files" in the status bar (`autoStart: false`). */
  fields?: readonly UploadField[];
  /** Interrupted uploads over the status bar, as after a reload; resuming `gone` fails. */
  resumable?: readonly ResumableUpload[];
}) {
  const upload = { items, uploader };
  const words = messages ? { messages } : {};
  return (
    <div
      className="upkit"
      {...(theme ? { 'data-theme': theme } : {})}
      style={
        { inlineSize: 560, ...(scrolls ? {} : { '--upkit-list-max-block-size': 'none' }) } as CSSProperties
      }
    >
      {resumable && (
        <ResumableList
          upload={{ resumable, restore, discard: () => new Promise<never>(() => undefined) }}
          locale={locale}
          {...words}
        />
      )}
      {statusBar && (
        <UploadStatusBar
          upload={upload}
          locale={locale}
          {...words}
          {...(fields ? { waiting: { items, start: () => undefined } } : {})}
        />
      )}
      {list && (
        <UploadList
          upload={upload}
          locale={locale}
          {...words}
          {...(fields ? { fields, showMissing: true } : {})}
        />
      )}
    </div>
  );
}

/** `<Uploader>` before any file: the drop zone, its limits and (unless `folders` is false) the folder button. */
export function IdleUploader({
  messages,
  locale = 'en-US',
  theme,
  folders = true,
}: {
  messages?: StyledMessages;
  locale?: string;
  theme?: 'light' | 'dark';
  folders?: boolean;
}) {
  return (
    <div style={{ inlineSize: 560 }}>
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}
        accept={['image/*', '.pdf']}
        maxFileSize={20_000_000}
        maxFiles={10}
        folders={folders}
        locale={locale}
        {...(messages ? { messages } : {})}
        {...(theme ? { theme } : {})}
      />
    </div>
  );
}

// Every control call fails as a dead connection does: with the browser offline, the engine
// waits for the `online` event instead of failing the file.
const dropped = () => Promise.reject(new UploadError('network', 'The network dropped.'));
const unreachable = {
  presign: dropped,
  complete: dropped,
  createMultipart: dropped,
  signParts: dropped,
  listParts: dropped,
  completeMultipart: dropped,
  abortMultipart: dropped,
};

/** `<Uploader>` with no network: give it a file while `offline()` holds and it shows the notice. */
export function OfflineUploader() {
  return (
    <div style={{ inlineSize: 560 }}>
      <Uploader backend={unreachable} resumeStorage={false} statusBar={false} locale="en-US" />
    </div>
  );
}

/** Makes the browser report itself offline (`navigator.onLine`); returns the undo. */
export function offline(): () => void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  return () => Reflect.deleteProperty(navigator, 'onLine');
}

/** Gives `files` to the drop zone's file input in `host`, as the file chooser does. */
export function pick(host: HTMLElement, files: File[]): void {
  const input = host.querySelector<HTMLInputElement>('.upkit-dropzone input[type="file"]');
  if (!input) throw new Error('No drop zone input rendered');
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** A file dragged in over `zone` and held there. */
export function dragOver(zone: Element): void {
  const dataTransfer = new DataTransfer();
  dataTransfer.items.add(new File(['x'], 'photo.png', { type: 'image/png' }));
  zone.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer }));
  zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer }));
}

// Motion and the caret are the only things that change with time once the page is drawn.
const STILL = `*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}`;

let root: Root | undefined;
let host: HTMLElement | undefined;

/**
 * Renders `ui` alone on the page and waits until it is drawn: fonts loaded, thumbnails drawn,
 * the virtualizer's measurements through. Returns the host element.
 */
export async function show(ui: ReactNode): Promise<HTMLElement> {
  unmount();
  if (!document.getElementById('upkit-visual-still')) {
    const style = document.createElement('style');
    style.id = 'upkit-visual-still';
    style.textContent = STILL;
    document.head.append(style);
  }
  host = document.createElement('div');
  document.body.append(host);
  const created = createRoot(host);
  root = created;
  flushSync(() => created.render(ui));
  await document.fonts.ready;
  await quiet(host);
  return host;
}

/**
 * Waits for what an event or a lazy chunk brings: `selector` in `host` (when given), then `host`
 * quiet as {@link show} waits for it.
 */
export async function settle(host: HTMLElement, selector?: string, limit = 5000): Promise<void> {
  const start = performance.now();
  while (selector && !host.querySelector(selector)) {
    if (performance.now() - start > limit) throw new Error(`No ${selector} within ${limit} ms`);
    await frame();
  }
  await quiet(host);
}

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Resolves once `host` has gone `ms` without a DOM change, and at least three frames have passed:
 * thumbnails decode and draw after mount, and the virtualizer renders again once it has
 * measured its rows (ResizeObserver, before a paint).
 */
async function quiet(host: HTMLElement, ms = 200, limit = 5000): Promise<void> {
  let last = performance.now();
  const observer = new MutationObserver(() => (last = performance.now()));
  observer.observe(host, { subtree: true, childList: true, attributes: true, characterData: true });
  const start = last;
  try {
    for (let frames = 0; frames < 3 || performance.now() - last < ms; frames++) {
      if (performance.now() - start > limit) throw new Error(`The subject kept changing for ${limit} ms`);
      await frame();
    }
  } finally {
    observer.disconnect();
  }
}

/** Removes what {@link show} rendered. */
export function unmount(): void {
  root?.unmount();
  host?.remove();
  root = undefined;
  host = undefined;
}

/**
 * `selector` inside `host`: the element to capture, which must be there and wholly in view. A
 * locator, not the element: `expect.element` runs `toMatchScreenshot` once on a locator, but
 * again and again until the test times out on an element that does not match.
 */
export function part(host: HTMLElement, selector: string): Locator {
  const element = host.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`No ${selector} rendered`);
  // The test runs in an iframe of the viewport's size, which Vitest scales down when the page
  // around it is smaller: screenshots would shrink with it.
  const scale = (window.frameElement?.parentElement as HTMLElement | null | undefined)?.dataset.scale;
  if (scale !== undefined && scale !== '1') {
    throw new Error(`The test iframe is scaled to ${scale}: match contextOptions.viewport to the viewport.`);
  }
  // What hangs below the iframe is captured blank.
  const { bottom, right } = element.getBoundingClientRect();
  if (bottom > window.innerHeight || right > window.innerWidth) {
    throw new Error(
      `${selector} (${Math.ceil(right)}x${Math.ceil(bottom)}) overflows the ${window.innerWidth}x${window.innerHeight} viewport: raise the visual project's viewport in vite.config.ts.`,
    );
  }
  return page.elementLocator(element);
}
