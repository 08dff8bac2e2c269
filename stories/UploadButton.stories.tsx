import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ComponentType } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { usePresignedUpload } from 'upkit/react';
import { UploadButton, type UploadButtonProps } from 'upkit/styled';
import 'upkit/styles.css';

const PATIENT = { timeout: 8000 };

type DemoProps = Omit<UploadButtonProps, 'upload'>;

/** UploadButton on a live hook, with a count of uploaded files. */
function UploadButtonDemo(props: DemoProps) {
  const upload = usePresignedUpload({ endpoint: '/api/upload' });
  const done = upload.items.filter((item) => item.status === 'done').length;
  return (
    <div className="upkit" style={{ justifyItems: 'start' }}>
      <UploadButton upload={upload} {...props} />
      <p role="status">{done} uploaded</p>
    </div>
  );
}

const meta = {
  title: 'Styled/UploadButton',
  // The docs table shows UploadButton's own props; the stories feed it from a live hook.
  component: UploadButton as unknown as ComponentType<DemoProps>,
  render: (args) => <UploadButtonDemo {...args} />,
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<DemoProps>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A button that opens the file picker; Enter and Space work as on any button. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const button = canvas.getByRole('button', { name: 'Choose files' });
    await userEvent.tab();
    await expect(button).toHaveFocus();
    const input = canvasElement.querySelector('input[type="file"]') as HTMLInputElement;
    await userEvent.upload(input, new File(['hello'], 'hello.txt', { type: 'text/plain' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('1 uploaded'), PATIENT);
  },
};

/** Your own label, and one file at a time. */
export const SingleFile: Story = {
  args: { children: 'Upload a logo', multiple: false, accept: 'image/*' },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('button', { name: 'Upload a logo' })).toBeVisible();
    const input = canvasElement.querySelector('input[type="file"]') as HTMLInputElement;
    await expect(input.multiple).toBe(false);
    await expect(input.accept).toBe('image/*');
  },
};

/** Disabled: out of the tab order and announced as disabled. */
export const Disabled: Story = {
  args: { disabled: true },
  play: async ({ canvasElement }) => {
    const button = within(canvasElement).getByRole('button', { name: 'Choose files' });
    await expect(button).toHaveAttribute('aria-disabled', 'true');
    await userEvent.tab();
    await expect(button).not.toHaveFocus();
  },
};
