import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ComponentType } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { Upload, UploadAnnouncer, useDropzone, usePresignedUpload } from 'upkit/react';

const PATIENT = { timeout: 8000 };

/** The compound parts with no styles but a few inline ones, on a live hook. */
interface DemoProps {
  maxFileSize?: number;
}

function PartsDemo({ maxFileSize }: DemoProps) {
  const upload = usePresignedUpload({
    endpoint: '/api/upload',
    ...(maxFileSize === undefined ? {} : { maxFileSize }),
  });
  const { getRootProps, getInputProps } = useDropzone({ onFiles: (files) => void upload.upload(files) });
  return (
    <div style={{ fontFamily: 'system-ui', maxWidth: 480 }}>
      <div {...getRootProps({ style: { padding: 16, border: '2px dashed #64748b' } })}>
        <input {...getInputProps()} data-testid="file-input" />
        Drop files or press Enter
      </div>
      <ul aria-label="Files" style={{ listStyle: 'none', padding: 0 }}>
        {upload.items.map((item) => (
          <Upload.Item key={item.id} item={item} uploader={upload.uploader} style={{ padding: '8px 0' }}>
            <strong>{item.name}</strong>
            <Upload.Progress style={{ height: 6, background: '#e2e8f0', margin: '6px 0' }}>
              <Upload.Indicator
                style={{ height: '100%', width: 'var(--upkit-progress)', background: '#0f766e' }}
              />
            </Upload.Progress>
            <Upload.Error style={{ color: '#b91c1c', margin: 0 }} />
            <Upload.Action action="pause" />
            <Upload.Action action="resume" />
            <Upload.Action action="retry" />
            <Upload.Action action="remove">Discard</Upload.Action>
          </Upload.Item>
        ))}
      </ul>
      <UploadAnnouncer uploader={upload.uploader} />
    </div>
  );
}

const meta = {
  title: 'Headless/Upload parts',
  // Docs: a props table for each part; the story feeds them from a live hook.
  component: Upload.Item as unknown as ComponentType<DemoProps>,
  subcomponents: {
    'Upload.Progress': Upload.Progress,
    'Upload.Indicator': Upload.Indicator,
    'Upload.Action': Upload.Action,
    'Upload.Error': Upload.Error,
    UploadAnnouncer,
  },
  render: (args) => <PartsDemo {...args} />,
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<DemoProps>;
export default meta;
type Story = StoryObj<typeof meta>;

/**
 * `Upload.Item` provides a file to its parts: `Progress` + `Indicator` draw the bar (its width is
 * the `--upkit-progress` variable), `Action` buttons hide themselves when they do not apply and
 * take their visible text as their name, `Error` shows the file's error in your words.
 */
export const Parts: Story = {
  args: { maxFileSize: 5_000 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.upload(canvas.getByTestId('file-input'), [
      new File([new Uint8Array(2_000)], 'notes.txt', { type: 'text/plain' }),
      new File([new Uint8Array(9_000)], 'movie.mp4', { type: 'video/mp4' }),
    ]);
    const notes = () => canvas.getByText('notes.txt').closest('li');
    await waitFor(() => expect(notes()).toHaveAttribute('data-state', 'done'), PATIENT);
    await expect(within(notes() as HTMLElement).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    const movie = canvas.getByText('movie.mp4').closest('li') as HTMLElement;
    await expect(movie).toHaveAttribute('data-state', 'error');
    await expect(within(movie).getByText(/the limit is/)).toBeVisible();
    // Validation errors cannot be retried: no Retry button.
    await expect(within(movie).queryByRole('button', { name: 'Retry movie.mp4' })).toBeNull();
    await userEvent.click(within(movie).getByRole('button', { name: 'Discard movie.mp4' }));
    await expect(canvas.queryByText('movie.mp4')).toBeNull();
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('1 file uploaded.'), PATIENT);
  },
};
