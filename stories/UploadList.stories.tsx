import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState, type ComponentType } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks, mockUploadItem } from 'upkit/msw';
import { createUploader, UploadError, type UploadItem } from 'upkit';
import { usePresignedUpload } from 'upkit/react';
import { fr, UploadList, type UploadListProps } from 'upkit/styled';
import 'upkit/styles.css';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };

type DemoProps = Omit<UploadListProps, 'upload'> & { concurrency?: number; maxFileSize?: number };

/** UploadList on a live hook, with a plain input to add files. */
function UploadListDemo({ concurrency, maxFileSize, ...props }: DemoProps) {
  const upload = usePresignedUpload({
    endpoint: '/api/upload',
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(maxFileSize === undefined ? {} : { maxFileSize }),
  });
  return (
    <div className="upkit" style={{ maxInlineSize: 560 }}>
      <input
        type="file"
        multiple
        aria-label="Add files"
        onChange={(event) => void upload.upload([...(event.target.files ?? [])])}
      />
      <UploadList upload={upload} {...props} />
    </div>
  );
}

const meta = {
  title: 'Styled/UploadList',
  // The docs table shows UploadList's own props; the stories feed it from a live hook.
  component: UploadList as unknown as ComponentType<DemoProps>,
  render: (args) => <UploadListDemo {...args} />,
  args: { locale: 'en-US' },
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 20_000 }).handlers } },
} satisfies Meta<DemoProps>;
export default meta;
type Story = StoryObj<typeof meta>;

const file = (name: string, size: number, type = 'application/octet-stream') =>
  new File([new Uint8Array(size).fill(3)], name, { type });

async function add(canvasElement: HTMLElement, files: File[]) {
  await userEvent.upload(within(canvasElement).getByLabelText('Add files'), files);
}
const row = (canvasElement: HTMLElement, name: string) =>
  within(canvasElement).getByText(name).closest('li') as HTMLElement;

/**
 * Live: one upload driven into each state a user can cause, side by side: uploading, waiting,
 * paused, canceled, refused by validation, uploaded. (MSW's service worker reports no
 * intermediate upload progress, so speed and time left show in `Snapshot` instead.)
 */
export const EveryState: Story = {
  // One PUT at a time: video.mp4 holds it, so waiting.csv waits.
  args: { concurrency: 1, maxFileSize: 500_000 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await add(canvasElement, [
      file('small.txt', 2_000, 'text/plain'),
      file('video.mp4', 400_000, 'video/mp4'),
      file('paused.zip', 300_000, 'application/zip'),
      file('canceled.iso', 300_000),
      file('waiting.csv', 300_000, 'text/csv'),
      file('huge.mov', 900_000, 'video/quicktime'),
    ]);
    await waitFor(
      () => expect(row(canvasElement, 'small.txt')).toHaveAttribute('data-state', 'done'),
      PATIENT,
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Pause paused.zip' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Cancel canceled.iso' }));
    await expect(row(canvasElement, 'paused.zip')).toHaveAttribute('data-state', 'paused');
    await expect(row(canvasElement, 'canceled.iso')).toHaveAttribute('data-state', 'canceled');
    await expect(row(canvasElement, 'huge.mov')).toHaveAttribute('data-state', 'error');
    await expect(within(row(canvasElement, 'huge.mov')).getByText(/the limit is/)).toBeVisible();
    await expect(row(canvasElement, 'waiting.csv')).toHaveAttribute('data-state', 'queued');
    await expect(row(canvasElement, 'video.mp4')).toHaveAttribute('data-state', 'uploading');
  },
};

const item = (name: string, size: number, type: string, rest: Partial<UploadItem>) =>
  mockUploadItem({ name, size, type, ...rest });

const snapshot: UploadItem[] = [
  item('waiting.csv', 320_000, 'text/csv', {}),
  item('signing.pdf', 1_200_000, 'application/pdf', { status: 'signing' }),
  item('video.mp4', 48_000_000, 'video/mp4', {
    status: 'uploading',
    bytesUploaded: 20_160_000,
    speed: 2_400_000,
    eta: 12,
  }),
  item('backup.tar', 2_600_000_000, 'application/x-tar', {
    mode: 'multipart',
    status: 'uploading',
    bytesUploaded: 650_000_000,
    speed: 9_800_000,
    eta: 199,
  }),
  item('paused.zip', 300_000, 'application/zip', { status: 'paused', bytesUploaded: 120_000 }),
  item('finishing.mov', 8_000_000, 'video/quicktime', { status: 'completing', bytesUploaded: 8_000_000 }),
  item('report.docx', 54_000, 'application/msword', { status: 'done', bytesUploaded: 54_000 }),
  item('cors.bin', 5_000, 'application/octet-stream', {
    status: 'error',
    error: new UploadError(
      'missing-etag',
      'Storage did not expose the ETag header. Add ETag to ExposeHeaders in the bucket CORS rules.',
    ),
  }),
  item('canceled.iso', 700_000_000, 'application/octet-stream', { status: 'canceled' }),
];

/** Nine rows from a fixed list of items, not a live upload: every status, with speed and time left. */
export const Snapshot: Story = {
  render: (args) => <SnapshotList {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getAllByRole('listitem')).toHaveLength(snapshot.length);
    await expect(
      within(row(canvasElement, 'video.mp4')).getByText('Uploading · 2.4 MB/s · 12 s left'),
    ).toBeVisible();
    await expect(
      within(row(canvasElement, 'backup.tar')).getByText('Uploading · 9.8 MB/s · 4 min left'),
    ).toBeVisible();
    await expect(within(row(canvasElement, 'video.mp4')).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '42',
    );
    await expect(
      within(row(canvasElement, 'cors.bin')).getByRole('button', { name: 'Retry cors.bin' }),
    ).toBeVisible();
  },
};

function SnapshotList(props: DemoProps) {
  const [uploader] = useState(() => createUploader({ endpoint: '/api/upload' }));
  return (
    <div className="upkit" style={{ maxInlineSize: 560 }}>
      <UploadList upload={{ items: snapshot, uploader }} {...props} />
    </div>
  );
}

/** French words and numbers: pass `messages={fr}` and a `locale`. Errors are translated too. */
export const French: Story = {
  args: { messages: fr, locale: 'fr-FR', maxFileSize: 1_000 },
  play: async ({ canvasElement }) => {
    await add(canvasElement, [file('rapport.pdf', 1_500, 'application/pdf')]);
    await expect(within(canvasElement).getByRole('list', { name: 'Fichiers' })).toBeVisible();
    // French separates number and unit with a narrow no-break space.
    const error = row(canvasElement, 'rapport.pdf').querySelector('[data-code]');
    await expect(error?.textContent?.replace(/\s/g, ' ')).toBe(
      '« rapport.pdf » pèse 1,5 ko ; la limite est de 1,0 ko. Choisissez un fichier plus petit.',
    );
  },
};
