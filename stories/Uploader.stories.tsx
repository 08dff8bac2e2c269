import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { xhrTransport } from 'upkit';
import { createUploadMocks } from 'upkit/msw';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };
import { fr, Uploader } from 'upkit/styled';
import 'upkit/styles.css';

const file = (name: string, size: number, type = 'application/octet-stream') =>
  new File([new Uint8Array(size).fill(1)], name, { type });

const meta = {
  title: 'Styled/Uploader',
  component: Uploader,
  args: { endpoint: '/api/upload', resumeStorage: false, locale: 'en-US' },
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<typeof Uploader>;
export default meta;
type Story = StoryObj<typeof meta>;

async function pick(canvasElement: HTMLElement, files: File[]) {
  const input = canvasElement.querySelector('input[type="file"]') as HTMLInputElement;
  await userEvent.upload(input, files);
}

const part = (root: Element, selector: string) => root.querySelector(selector) as HTMLElement;
const box = (root: Element, selector: string) => part(root, selector).getBoundingClientRect();

/**
 * The dark side of upkit/styles.css's `light-dark()` pairs, as computed (the light side is
 * #ffffff, #111827, #f9fafb, #047857).
 */
const DARK_PALETTE = {
  background: 'rgb(17, 24, 39)', // --upkit-bg #111827
  text: 'rgb(243, 244, 246)', // --upkit-fg #f3f4f6
  card: 'rgb(31, 41, 55)', // --upkit-surface #1f2937
  done: 'rgb(110, 231, 183)', // --upkit-success #6ee7b7
};

/**
 * WCAG 2.x relative luminance of a computed colour, from 0 (black) to 1 (white). Throws on
 * anything but an opaque `rgb()`, such as a transparent background that would show the page's.
 */
function luminance(computed: string): number {
  const match = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(computed);
  if (!match || (match[4] !== undefined && Number(match[4]) < 1)) {
    throw new Error(`Expected an opaque rgb() colour, got "${computed}".`);
  }
  const [r = 0, g = 0, b = 0] = match.slice(1, 4).map((channel) => {
    const c = Number(channel) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two computed colours, from 1 to 21. */
function contrast(a: string, b: string): number {
  const [light = 0, dark = 0] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** The colours an uploader whose files are all done wears. */
function colours(canvasElement: HTMLElement) {
  const root = getComputedStyle(part(canvasElement, '.upkit'));
  return {
    background: root.backgroundColor,
    text: root.color,
    card: getComputedStyle(part(canvasElement, '.upkit-item__card')).backgroundColor,
    done: getComputedStyle(part(canvasElement, '.upkit-item__status')).color,
  };
}

/** The all-in-one uploader: drop zone, list, live announcements. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('design.fig', 4000), file('photo.png', 3000, 'image/png')]);
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(2), PATIENT);
  },
};

/** Dark theme from `theme="dark"` (or the system setting with the default `system`). */
export const Dark: Story = {
  args: { theme: 'dark' },
  play: async (context) => {
    await Default.play?.(context);
    const { canvasElement } = context;
    const root = part(canvasElement, '.upkit');
    await expect(root).toHaveAttribute('data-theme', 'dark');
    await expect(getComputedStyle(root).colorScheme).toBe('dark');
    // Dark surfaces with light text, readable: whatever the exact palette, the uploader, its drop
    // zone and a file's card are dark (luminance under 0.05, as #1f2937 is 0.02), their text light
    // (over 0.6; #f3f4f6 is 0.9), at a contrast of 7:1 at least (WCAG AAA).
    for (const selector of ['.upkit', '.upkit-dropzone', '.upkit-item__card']) {
      const { backgroundColor, color } = getComputedStyle(part(canvasElement, selector));
      await expect(luminance(backgroundColor), `${selector}'s background ${backgroundColor}`).toBeLessThan(
        0.05,
      );
      await expect(luminance(color), `${selector}'s text ${color}`).toBeGreaterThan(0.6);
      await expect(contrast(color, backgroundColor), `${selector}'s contrast`).toBeGreaterThanOrEqual(7);
    }
    await expect(colours(canvasElement)).toEqual(DARK_PALETTE);
  },
};

/**
 * Your brand: `--upkit-*` custom properties set on the uploader through a class of yours reach
 * every part inside it (here the accent, the corner radius and the list's height).
 */
export const Themed: Story = {
  args: { className: 'brand' },
  decorators: [
    (Story) => (
      <>
        <style>{`.brand { --upkit-accent: rgb(190, 18, 60); --upkit-radius: 0px; --upkit-list-max-block-size: 12rem; }`}</style>
        {Story()}
      </>
    ),
  ],
  parameters: { msw: { handlers: createUploadMocks({ latencyMs: 400 }).handlers } },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('brand.pdf', 4000, 'application/pdf')]);
    const canvas = within(canvasElement);
    const indicator = canvasElement.querySelector('.upkit-progress__indicator') as HTMLElement;
    // Before the upload ends (the success colour takes over then), the bar wears the brand accent.
    await expect(getComputedStyle(indicator).backgroundColor).toBe('rgb(190, 18, 60)');
    await expect(
      getComputedStyle(canvasElement.querySelector('.upkit-item__card') as HTMLElement).borderRadius,
    ).toBe('0px');
    await expect(
      getComputedStyle(canvasElement.querySelector('.upkit-list') as HTMLElement).maxBlockSize,
    ).toBe('192px');
    await waitFor(() => expect(canvas.getByText('Uploaded')).toBeVisible(), PATIENT);
  },
};

/** Right-to-left: the layout uses logical properties only. */
export const RightToLeft: Story = {
  decorators: [(Story) => <div dir="rtl">{Story()}</div>],
  play: async (context) => {
    await Default.play?.(context);
    const { canvasElement } = context;
    // The direction reaches the uploader from the page, and every part inside it.
    for (const selector of ['.upkit', '.upkit-dropzone', '.upkit-statusbar']) {
      await expect(getComputedStyle(part(canvasElement, selector)).direction, selector).toBe('rtl');
    }
    const rows = [...canvasElement.querySelectorAll('.upkit-item')];
    await expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const selector of ['.upkit-item__card', '.upkit-item__row', '.upkit-progress']) {
        await expect(getComputedStyle(part(row, selector)).direction, selector).toBe('rtl');
      }
      // Mirrored, as logical properties lay it out: the thumbnail on the right of the text,
      // the name right of the size, the status right of the action buttons.
      const name = part(row, '.upkit-item__name').textContent;
      await expect(
        box(row, '.upkit-item__thumb').left,
        `${name}: thumbnail right of the text`,
      ).toBeGreaterThanOrEqual(box(row, '.upkit-item__body').right);
      await expect(box(row, '.upkit-item__name').left, `${name}: name right of the size`).toBeGreaterThan(
        box(row, '.upkit-item__size').right,
      );
      await expect(
        box(row, '.upkit-item__status').left,
        `${name}: status right of the actions`,
      ).toBeGreaterThan(box(row, '.upkit-item__actions').right);
      // The name starts at the right edge of the card's text column, the action buttons end at
      // its left edge.
      await expect(box(row, '.upkit-item__name').right, `${name}: name at the right edge`).toBe(
        box(row, '.upkit-item__body').right,
      );
      await expect(box(row, '.upkit-item__actions').left, `${name}: actions at the left edge`).toBe(
        box(row, '.upkit-item__body').left,
      );
    }
  },
};

/** Every visible string comes from `messages`; French ships as an example. */
export const French: Story = {
  args: { messages: fr, locale: 'fr-FR' },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('rapport.pdf', 1500, 'application/pdf')]);
    await waitFor(() => expect(within(canvasElement).getByText('Envoyé')).toBeVisible(), PATIENT);
  },
};

/** A slow connection: the mock storage answers at 200 kB/s. */
export const SlowNetwork: Story = {
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 200_000 }).handlers } },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('video.mp4', 300_000, 'video/mp4')]);
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByText('Uploading')).toBeVisible(), PATIENT);
    // A keyboard user waits on Pause; when the upload ends, Pause hides and focus moves to the
    // row's remaining button instead of falling to <body>.
    canvas.getByRole('button', { name: 'Pause video.mp4' }).focus();
    await waitFor(() => expect(canvas.getByText('Uploaded')).toBeVisible(), { timeout: 5000 });
    await waitFor(
      () => expect(canvas.getByRole('button', { name: 'Remove video.mp4' })).toHaveFocus(),
      PATIENT,
    );
  },
};

/**
 * The status bar over the list: files uploaded of total, bytes, speed and time left, and the
 * actions for every file (Pause all, Resume all, Retry failed, Cancel all). The limits are
 * written under the drop zone and read as its description.
 */
export const StatusBar: Story = {
  args: { accept: ['image/*', 'application/pdf'], maxFileSize: 20_000_000, maxFiles: 10 },
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 200_000 }).handlers } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(
      canvas.getByRole('button', { name: 'Drop files here or choose them' }),
    ).toHaveAccessibleDescription('Images and PDFs, up to 20 MB, 10 files at most');
    await pick(canvasElement, [
      file('scan.pdf', 300_000, 'application/pdf'),
      file('photo.png', 200_000, 'image/png'),
    ]);
    const bar = await canvas.findByRole('group', { name: 'All uploads' }, PATIENT);
    await userEvent.click(await within(bar).findByRole('button', { name: 'Pause all' }, PATIENT));
    await waitFor(() => expect(bar.dataset.state).toBe('paused'), PATIENT);
    await expect(within(bar).getByText(/[01] of 2 files uploaded, [12] paused/)).toBeVisible();
    await userEvent.click(within(bar).getByRole('button', { name: 'Resume all' }));
    await waitFor(() => expect(bar.dataset.state).toBe('done'), { timeout: 15_000 });
    await expect(within(bar).getByText(/All 2 files uploaded/)).toBeVisible();
  },
};

const MiB = 1024 * 1024;
// Part URLs live one second; a 5 MiB part takes half a second to send.
const expiring = createUploadMocks({ urlExpiresIn: 1, bytesPerSecond: 10_000_000 });

/**
 * Part URLs are signed ahead of need, and expire after one second while earlier parts upload:
 * upkit signs them again just before use, so storage never refuses one.
 */
const lifeAtSend: number[] = [];

export const ExpiringUrls: Story = {
  args: {
    // One part PUT at a time, so later parts' URLs age while earlier parts upload.
    concurrency: 1,
    multipartThreshold: 5 * MiB,
    partSize: 5 * MiB,
    // What each PUT's URL had left to live when it was sent (the mocks put its expiry in it).
    transport: (request) => {
      lifeAtSend.push(Number(new URL(request.url).searchParams.get('X-Amz-Expires-At')) - Date.now());
      return xhrTransport(request);
    },
  },
  parameters: { msw: { handlers: expiring.handlers } },
  play: async ({ canvasElement, msw }) => {
    expiring.reset();
    lifeAtSend.length = 0;
    // What storage answered each PUT (403 "Request has expired" to a stale URL).
    const answers: number[] = [];
    const record = ({ request, response }: { request: Request; response: Response }) => {
      if (request.method === 'PUT') answers.push(response.status);
    };
    msw.events.on('response:mocked', record);
    try {
      // Four parts signed in one call; the fourth goes some 1.5 s later, when its first URL is dead.
      const big = file('footage.mov', 3 * 5 * MiB + 1000, 'video/quicktime');
      const small = file('notes.txt', 2000, 'text/plain');
      await pick(canvasElement, [big, small]);
      await waitFor(() => expect(within(canvasElement).getAllByText('Uploaded')).toHaveLength(2), PATIENT);

      // Every file landed whole.
      await expect([...expiring.objects.values()].map((bytes) => bytes.length).sort((a, b) => a - b)).toEqual(
        [small.size, big.size],
      );
      // More part URLs were signed than there are parts: the stale ones were signed again...
      const signed = expiring.requests
        .filter((request) => request.path === 'multipart/sign-parts')
        .flatMap((request) => request.body.partNumbers as number[]);
      await expect(signed.length).toBeGreaterThan(4);
      // ...before use: no PUT left with a URL already dead. (Under heavy load a URL can still die
      // on the way, and storage's 403 then gets it re-signed: that is the other path, not this one.)
      await expect(lifeAtSend.length).toBeGreaterThanOrEqual(5);
      await expect(Math.min(...lifeAtSend)).toBeGreaterThan(0);
      await expect(answers.filter((status) => status === 200)).toHaveLength(5);
    } finally {
      msw.events.removeListener('response:mocked', record);
    }
  },
};

/**
 * 1,000 files at once. Past 100 files the list is virtualized: only the rows in view are mounted,
 * screen readers still hear "row 1,000 of 1,000", and the row holding focus stays mounted while
 * it scrolls away.
 */
export const ThousandFiles: Story = {
  args: { concurrency: 6 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const files = Array.from({ length: 1000 }, (_, i) => file(`file-${i}.bin`, 100 + i));
    await pick(canvasElement, files);
    // A window of rows, not a thousand: the first 24 while the virtualizer (a lazy chunk) loads,
    // then the rows in view. The files arrive 8 a task, so the page never freezes.
    await waitFor(() => {
      const rows = canvas.getByRole('list', { name: 'Files' }).querySelectorAll('li').length;
      return expect(rows > 2 && rows < 40).toBe(true);
    }, PATIENT);
    // Asked again each time: virtua's list replaces the first rows' list once it has loaded.
    const firstRow = () => canvas.getByRole('list', { name: 'Files' }).querySelector('li');
    await waitFor(() => expect(firstRow()).toHaveAttribute('aria-setsize', '1000'), PATIENT);
    const list = canvas.getByRole('list', { name: 'Files' });
    const scroller = list.closest('.upkit-list') as HTMLElement;

    // The end of the list is one scroll away.
    scroller.scrollTop = scroller.scrollHeight;
    const last = await canvas.findByText('file-999.bin', {}, PATIENT);
    await expect(last.closest('li')).toHaveAttribute('aria-posinset', '1000');
    await expect(list.querySelectorAll('li').length).toBeLessThan(40);
    // Measured rows keep their gap: no card overlaps or touches the next.
    const cards = [...list.querySelectorAll('li:not([style*="hidden"]) .upkit-item__card')]
      .map((card) => card.getBoundingClientRect())
      .sort((a, b) => a.top - b.top);
    const gaps = cards.slice(1).map((card, i) => card.top - (cards[i]?.bottom ?? 0));
    await expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4);

    // Focus a button far down, scroll back to the top: the focused row stays mounted and usable.
    const remove = canvas.getByRole('button', { name: 'Remove file-999.bin' });
    remove.focus();
    scroller.scrollTop = 0;
    await canvas.findByText('file-0.bin', {}, PATIENT);
    await expect(remove).toHaveFocus();
    await expect(remove.isConnected).toBe(true);
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(canvas.queryByText('file-999.bin')).toBeNull(), PATIENT);
    // Focus moved to the row before, which stayed mounted beside the focused one.
    await expect(canvas.getByRole('button', { name: 'Remove file-998.bin' })).toHaveFocus();
    await expect(canvas.getByText('file-998.bin').closest('li')).toHaveAttribute('aria-setsize', '999');
  },
};

/** A large multipart upload, paused and resumed: finished parts are kept. */
export const MultipartPauseResume: Story = {
  args: { multipartThreshold: 0, partSize: 5 * 1024 * 1024, concurrency: 1 },
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 8_000_000 }).handlers } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await pick(canvasElement, [file('archive.zip', 16 * 1024 * 1024, 'application/zip')]);
    const row = () => canvas.getByText('archive.zip').closest('li') as HTMLElement;
    // One part of four lands, then pause.
    await waitFor(
      () =>
        expect(
          Number(within(row()).getByRole('progressbar').getAttribute('aria-valuenow')),
        ).toBeGreaterThanOrEqual(25),
      {
        timeout: 5000,
      },
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Pause archive.zip' }));
    await expect(row()).toHaveAttribute('data-state', 'paused');
    await userEvent.click(canvas.getByRole('button', { name: 'Resume archive.zip' }));
    await waitFor(() => expect(row()).toHaveAttribute('data-state', 'done'), { timeout: 8000 });
  },
};
