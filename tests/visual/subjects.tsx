import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { CSSProperties, ReactNode } from 'react';
import { createUploader, UploadError, type UploadItem } from 'upkit';
import { mockUploadItem } from 'upkit/msw';
import { UploadList, UploadStatusBar, type StyledMessages, type UploadField } from 'upkit/styled';
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
};

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
