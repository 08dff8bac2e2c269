import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ComponentType } from 'react';
import { expect, fireEvent, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { usePresignedUpload } from 'upkit/react';
import { UploadDropzone, type UploadDropzoneProps } from 'upkit/styled';
import 'upkit/styles.css';

const PATIENT = { timeout: 8000 };

type DemoProps = Omit<UploadDropzoneProps, 'upload'>;

/** UploadDropzone on a live hook, with a count of uploaded files. */
function UploadDropzoneDemo(props: DemoProps) {
  const upload = usePresignedUpload({ endpoint: '/api/upload' });
  const done = upload.items.filter((item) => item.status === 'done').length;
  return (
    <div className="upkit">
      <UploadDropzone upload={upload} {...props} />
      <p role="status">{done} uploaded</p>
    </div>
  );
}

const meta = {
  title: 'Styled/UploadDropzone',
  // The docs table shows UploadDropzone's own props; the stories feed it from a live hook.
  component: UploadDropzone as unknown as ComponentType<DemoProps>,
  render: (args) => <UploadDropzoneDemo {...args} />,
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<DemoProps>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Idle: a keyboard-reachable button that opens the picker. */
export const Idle: Story = {
  play: async ({ canvasElement }) => {
    const zone = within(canvasElement).getByRole('button', { name: 'Drop files here or choose them' });
    await userEvent.tab();
    await expect(zone).toHaveFocus();
  },
};

/** Files dragged over: the prompt changes and `data-state="dragging"` drives the highlight. */
export const DragOver: Story = {
  play: async ({ canvasElement }) => {
    const zone = within(canvasElement).getByRole('button', { name: 'Drop files here or choose them' });
    fireEvent.dragEnter(zone);
    await expect(zone).toHaveAttribute('data-state', 'dragging');
    await expect(zone).toHaveTextContent('Drop the files to upload them');
  },
};

/** Hints under the prompt, and a picked file uploaded. */
export const WithHint: Story = {
  args: { children: <small>PNG or JPEG, up to 10 MB</small>, accept: ['image/png', 'image/jpeg'] },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('PNG or JPEG, up to 10 MB')).toBeVisible();
    const input = canvasElement.querySelector('input[type="file"]') as HTMLInputElement;
    await userEvent.upload(input, new File([new Uint8Array(64)], 'photo.png', { type: 'image/png' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('1 uploaded'), PATIENT);
  },
};
