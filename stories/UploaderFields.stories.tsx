import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { Uploader, type UploadField } from 'upkit/styled';
import 'upkit/styles.css';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };

// One instance, so the play can read what the backend was told.
const mocks = createUploadMocks();

const fields: UploadField[] = [
  { name: 'title', label: 'Title', required: true },
  // Not required: a decorative image's right alt text is none at all.
  { name: 'alt', label: 'Alt text', when: (item) => item.type.startsWith('image/') },
  { name: 'description', label: 'Description', type: 'textarea' },
];

const meta = {
  title: 'Uploader/Fields before upload',
  component: Uploader,
  args: { endpoint: '/api/upload', resumeStorage: false, locale: 'en-US', autoStart: false, fields },
  parameters: { msw: { handlers: mocks.handlers } },
} satisfies Meta<typeof Uploader>;
export default meta;
type Story = StoryObj<typeof meta>;

async function pick(canvasElement: HTMLElement, files: File[]) {
  const input = canvasElement.querySelector('input[type="file"]') as HTMLInputElement;
  await userEvent.upload(input, files);
}

/** A real (tiny) JPEG, so the row shows its preview as a photo would. */
async function photo(name: string): Promise<File> {
  const canvas = new OffscreenCanvas(96, 64);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D context to draw the test photo.');
  context.fillStyle = '#0e7490';
  context.fillRect(0, 0, 96, 64);
  context.fillStyle = '#fde68a';
  context.fillRect(60, 8, 20, 20);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg' });
  return new File([blob], name, { type: 'image/jpeg' });
}

/** What the backend was told about each file, by name: the metadata of its presign call. */
function told(): Record<string, unknown> {
  return Object.fromEntries(
    mocks.requests
      .filter((request) => request.path === 'presign')
      .map((request) => {
        const file = request.body.file as { name: string; metadata?: unknown };
        return [file.name, file.metadata];
      }),
  );
}

/**
 * Each file waits with its fields, and "Upload 2 files" sends them. A title is asked of every
 * file, alt text of images only.
 *
 * Why ask for alt text here: the person uploading a photo is the one who knows what it shows,
 * and this is the moment they are thinking about it. Every page that later shows the image hands
 * its alt text to screen readers, search, and readers whose image did not load; without it a
 * blind reader hears "photo.jpg", or nothing (WCAG 1.1.1, Non-text Content). Asked for later, on
 * a separate editing screen, it is easily never written. It is not required here because a purely
 * decorative image's right alt text is empty; make it `required` where every image carries
 * meaning.
 */
export const TitleAndAltText: Story = {
  play: async ({ canvasElement }) => {
    mocks.reset();
    const canvas = within(canvasElement);
    await pick(canvasElement, [
      await photo('photo.jpg'),
      new File(['%PDF-1.7'], 'report.pdf', { type: 'application/pdf' }),
    ]);
    const row = async (name: string) =>
      (await canvas.findByText(name, {}, PATIENT)).closest('li') as HTMLElement;
    const photoRow = await row('photo.jpg');
    const pdfRow = await row('report.pdf');

    // Each row asks its own fields, named after the file: alt text for the image only.
    const names = (li: HTMLElement) =>
      within(li)
        .getAllByRole('textbox')
        .map((box) => box.getAttribute('aria-label'));
    await expect(names(photoRow)).toEqual(['Title photo.jpg', 'Alt text photo.jpg', 'Description photo.jpg']);
    await expect(names(pdfRow)).toEqual(['Title report.pdf', 'Description report.pdf']);
    await expect(within(pdfRow).getByRole('textbox', { name: 'Description report.pdf' }).tagName).toBe(
      'TEXTAREA',
    );
    // Waiting files have not started: Remove is all a row offers.
    await expect(within(photoRow).getByRole('button', { name: 'Remove photo.jpg' })).toBeVisible();
    await expect(within(photoRow).queryByRole('button', { name: 'Pause photo.jpg' })).toBeNull();

    await userEvent.type(
      within(photoRow).getByRole('textbox', { name: 'Title photo.jpg' }),
      'Harbour at dusk',
    );
    await userEvent.type(
      within(photoRow).getByRole('textbox', { name: 'Alt text photo.jpg' }),
      'A teal sky over a harbour, the sun low and yellow',
    );
    await userEvent.type(
      within(pdfRow).getByRole('textbox', { name: 'Description report.pdf' }),
      'Second quarter',
    );

    // report.pdf's title is empty: nothing starts, the empty field is marked, says why, has focus.
    await userEvent.click(canvas.getByRole('button', { name: 'Upload 2 files' }));
    const pdfTitle = within(pdfRow).getByRole('textbox', { name: 'Title report.pdf' });
    await waitFor(() => expect(pdfTitle).toHaveFocus(), PATIENT);
    await expect(pdfTitle).toHaveAttribute('aria-invalid', 'true');
    await expect(pdfTitle).toHaveAccessibleDescription('Title is needed to upload this file.');
    await expect(within(photoRow).getByRole('textbox', { name: 'Title photo.jpg' })).not.toHaveAttribute(
      'aria-invalid',
    );
    await expect(mocks.requests).toEqual([]);
    await expect(mocks.objects.size).toBe(0);
    await expect(photoRow).toHaveAttribute('data-state', 'queued');

    // Filled in (focus is already there), and sent.
    await userEvent.keyboard('Q2 report');
    await userEvent.click(canvas.getByRole('button', { name: 'Upload 2 files' }));
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(2), PATIENT);
    await expect(canvas.queryAllByRole('textbox')).toEqual([]);
    await expect(told()).toEqual({
      'photo.jpg': { title: 'Harbour at dusk', alt: 'A teal sky over a harbour, the sun low and yellow' },
      'report.pdf': { title: 'Q2 report', description: 'Second quarter' },
    });
  },
};
