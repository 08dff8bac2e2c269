import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fireEvent, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };
import { HeadlessUploader } from './HeadlessUploader';

const MiB = 1024 * 1024;

const meta = {
  title: 'Headless/Uploader',
  component: HeadlessUploader,
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<typeof HeadlessUploader>;
export default meta;
type Story = StoryObj<typeof meta>;

const file = (name: string, size: number, type = 'application/octet-stream') =>
  new File([new Uint8Array(size).fill(7)], name, { type });

async function pick(canvasElement: HTMLElement, files: File[]) {
  const input = within(canvasElement).getByTestId('file-input');
  await userEvent.upload(input, files);
}

async function statusOf(canvasElement: HTMLElement, name: string) {
  return within(canvasElement).getByText(name).closest('li')?.getAttribute('data-state');
}

/** Waiting for files: the zone is a button reachable by keyboard. */
export const Idle: Story = {
  play: async ({ canvasElement }) => {
    const zone = within(canvasElement).getByRole('button', { name: /^Upload files/ });
    await userEvent.tab();
    await expect(zone).toHaveFocus();
  },
};

/** Files dragged over the zone: `data-state="dragging"` drives the highlight. */
export const DragOver: Story = {
  play: async ({ canvasElement }) => {
    const zone = within(canvasElement).getByRole('button', { name: /^Upload files/ });
    fireEvent.dragEnter(zone);
    await expect(zone).toHaveAttribute('data-state', 'dragging');
    await expect(zone).toHaveTextContent('Upload files: drop them now');
  },
};

/** Two files upload through the mocked backend and storage. */
export const HappyPath: Story = {
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [
      file('report.pdf', 2000, 'application/pdf'),
      file('photo.png', 3000, 'image/png'),
    ]);
    await waitFor(async () => expect(await statusOf(canvasElement, 'report.pdf')).toBe('done'), PATIENT);
    await waitFor(async () => expect(await statusOf(canvasElement, 'photo.png')).toBe('done'), PATIENT);
    const bars = within(canvasElement).getAllByRole('progressbar');
    await expect(bars.map((bar) => bar.getAttribute('aria-valuenow'))).toEqual(['100', '100']);
    await waitFor(
      () => expect(within(canvasElement).getByRole('status')).toHaveTextContent('2 files uploaded.'),
      PATIENT,
    );
  },
};

/** Storage answers half of the PUTs with 503 SlowDown; upkit retries until every file lands. */
export const FlakyStorage: Story = {
  args: { retry: { retries: 8, baseDelayMs: 50, maxDelayMs: 200 } },
  parameters: { msw: { handlers: createUploadMocks({ failureRate: 0.5 }).handlers } },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('a.bin', 1000), file('b.bin', 1000), file('c.bin', 1000)]);
    for (const name of ['a.bin', 'b.bin', 'c.bin']) {
      await waitFor(async () => expect(await statusOf(canvasElement, name)).toBe('done'), { timeout: 8000 });
    }
  },
};

/** The bucket's CORS rule does not expose ETag: multipart stops with the exact fix. */
export const MissingEtag: Story = {
  args: { multipartThreshold: 0, partSize: 5 * MiB },
  parameters: { msw: { handlers: createUploadMocks({ exposeEtag: false }).handlers } },
  play: async ({ canvasElement }) => {
    await pick(canvasElement, [file('movie.mp4', 1000, 'video/mp4')]);
    await waitFor(async () => expect(await statusOf(canvasElement, 'movie.mp4')).toBe('error'), PATIENT);
    const row = within(canvasElement).getByRole('listitem');
    await expect(within(row).getByText(/Add "ETag" to the bucket CORS rule/)).toBeVisible();
    await waitFor(
      () => expect(within(canvasElement).getByRole('alert')).toHaveTextContent('movie.mp4 failed'),
      PATIENT,
    );
  },
};

/** Files that break the rules stay in the list with a message, and are never sent. */
export const ValidationErrors: Story = {
  args: { accept: 'image/*', maxFileSize: 10_000 },
  play: async ({ canvasElement }) => {
    // The picker filters by `accept`, but a drop does not: pick as a drop would deliver.
    const user = userEvent.setup({ applyAccept: false });
    const files = [file('notes.txt', 10, 'text/plain'), file('huge.png', 20_000, 'image/png')];
    await user.upload(within(canvasElement).getByTestId('file-input'), files);
    const list = within(canvasElement).getByRole('list');
    await waitFor(() => expect(within(list).getByText(/not an accepted type/)).toBeVisible(), PATIENT);
    await expect(within(list).getByText(/is 20.0 kB; the limit is 10.0 kB/)).toBeVisible();
    await expect(within(canvasElement).queryByRole('button', { name: 'Retry notes.txt' })).toBeNull();
  },
};

/** Disabled: not focusable, ignores clicks and drops. */
export const Disabled: Story = {
  args: { disabled: true },
  play: async ({ canvasElement }) => {
    const zone = within(canvasElement).getByRole('button', { name: /^Upload files/ });
    await expect(zone).toHaveAttribute('aria-disabled', 'true');
    await expect(zone).toHaveAttribute('tabindex', '-1');
  },
};
