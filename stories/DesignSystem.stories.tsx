import type { Meta, StoryObj } from '@storybook/react-vite';
import { forwardRef, type ButtonHTMLAttributes } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };
import { getActionProps, Upload, useDropzone, useUpload } from 'upkit/react';

/** A design system's own button: upkit's getters spread onto it, its styles untouched. */
const DsButton = forwardRef<
  HTMLButtonElement,
  ButtonHTMLAttributes<HTMLButtonElement> & { tone?: 'primary' | 'quiet' }
>(function DsButton({ tone = 'quiet', style, ...props }, ref) {
  return (
    <button
      ref={ref}
      {...props}
      style={{
        font: '600 14px/1 system-ui',
        padding: '8px 14px',
        borderRadius: 999,
        border: tone === 'primary' ? 'none' : '1px solid #4338ca',
        background: tone === 'primary' ? '#4338ca' : 'white',
        color: tone === 'primary' ? 'white' : '#312e81',
        ...style,
      }}
    />
  );
});

function DesignSystemUploader() {
  const upload = useUpload({ endpoint: '/api/upload', resumeStorage: false });
  const { getRootProps, getInputProps } = useDropzone({ onFiles: (files) => void upload.upload(files) });
  return (
    <div style={{ fontFamily: 'system-ui', maxWidth: 520 }}>
      {/* The drop zone is the design system's primary button. */}
      <DsButton tone="primary" {...(getRootProps() as ButtonHTMLAttributes<HTMLButtonElement>)}>
        <input {...getInputProps()} data-testid="file-input" />
        Add attachments
      </DsButton>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {upload.items.map((item) => (
          <Upload.Item key={item.id} item={item} uploader={upload.uploader} style={{ padding: '8px 0' }}>
            <span>{item.name}</span>
            <Upload.Progress style={{ height: 4, background: '#e0e7ff', margin: '6px 0' }}>
              <Upload.Indicator
                style={{ height: '100%', width: 'var(--upkit-progress)', background: '#4338ca' }}
              />
            </Upload.Progress>
            <DsButton {...getActionProps(upload.uploader, item, 'remove')}>Remove</DsButton>
          </Upload.Item>
        ))}
      </ul>
    </div>
  );
}

const meta = {
  title: 'Headless/Design system',
  component: DesignSystemUploader,
  parameters: { msw: { handlers: createUploadMocks().handlers } },
} satisfies Meta<typeof DesignSystemUploader>;
export default meta;

/** upkit's headless parts inside a design system's own buttons. */
export const WithOwnButtons: StoryObj<typeof meta> = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.upload(
      canvas.getByTestId('file-input'),
      new File(['hello'], 'brief.txt', { type: 'text/plain' }),
    );
    await waitFor(
      () => expect(canvas.getByText('brief.txt').closest('li')).toHaveAttribute('data-state', 'done'),
      PATIENT,
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Remove brief.txt' }));
    await expect(canvas.queryByText('brief.txt')).toBeNull();
  },
};
