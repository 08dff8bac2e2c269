import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
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
  play: Default.play,
};

/** Right-to-left: the layout uses logical properties only. */
export const RightToLeft: Story = {
  decorators: [(Story) => <div dir="rtl">{Story()}</div>],
  play: Default.play,
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
    await waitFor(() => expect(canvas.getByText('Uploaded')).toBeVisible(), { timeout: 5000 });
  },
};

/** URLs expire after one second while files wait in line; upkit re-signs them. */
export const ExpiringUrls: Story = {
  args: { concurrency: 2 },
  parameters: { msw: { handlers: createUploadMocks({ urlExpiresIn: 1, bytesPerSecond: 400_000 }).handlers } },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('a.bin', 200_000), file('b.bin', 200_000), file('c.bin', 200_000)]);
    await waitFor(() => expect(within(canvasElement).getAllByText('Uploaded')).toHaveLength(3), {
      timeout: 8000,
    });
  },
};

/** 40 files at once: rows are memoized and skip layout off screen. */
export const ManyFiles: Story = {
  args: { concurrency: 12 },
  play: async ({ canvasElement }) => {
    const files = Array.from({ length: 40 }, (_, i) => file(`file-${i}.bin`, 100 + i));
    await pick(canvasElement, files);
    await waitFor(() => expect(canvasElement.querySelectorAll('li[data-state="done"]')).toHaveLength(40), {
      timeout: 12_000,
      interval: 250,
    });
  },
};

/** A large multipart upload, paused and resumed: finished parts are kept. */
export const MultipartPauseResume: Story = {
  args: { multipartThreshold: 0, partSize: 5 * 1024 * 1024, concurrency: 2 },
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 8_000_000 }).handlers } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await pick(canvasElement, [file('archive.zip', 16 * 1024 * 1024, 'application/zip')]);
    const row = () => canvas.getByText('archive.zip').closest('li');
    // One part of four lands, then pause.
    await waitFor(
      () =>
        expect(Number(canvas.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(
          25,
        ),
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
