import type { Meta, StoryObj } from '@storybook/react-vite';
import { forwardRef, type ButtonHTMLAttributes } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { getActionProps, Upload, useDropzone, useUpload } from 'upkit/react';
import { Uploader, type UploaderPart, type UploadProgressProps } from 'upkit/styled';
import 'upkit/styles.css';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };

/** A design system's own button: upkit's getters spread onto it, its styles untouched. */
const DsButton = forwardRef<
  HTMLButtonElement,
  ButtonHTMLAttributes<HTMLButtonElement> & { tone?: 'primary' | 'quiet' }
>(function DsButton({ tone = 'quiet', style, ...props }, ref) {
  return (
    <button
      ref={ref}
      {...props}
      data-ds="button"
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

// Tailwind-like utilities, as a design system's stylesheet defines them.
const UTILITIES = `
[hidden] { display: none !important; }
.font-sans { font-family: system-ui, sans-serif; }
.font-semibold { font-weight: 600; }
.text-xs { font-size: 0.75rem; }
.text-sm { font-size: 0.875rem; }
.grid { display: grid; }
.flex { display: flex; }
.place-items-center { place-items: center; }
.items-center { align-items: center; }
.justify-between { justify-content: space-between; }
.grow { flex-grow: 1; }
.min-w-0 { min-width: 0; }
.max-w-md { max-width: 28rem; }
.gap-1 { gap: 0.25rem; }
.gap-2 { gap: 0.5rem; }
.gap-3 { gap: 0.75rem; }
.m-0 { margin: 0; }
.p-0 { padding: 0; }
.p-3 { padding: 0.75rem; }
.p-4 { padding: 1rem; }
.p-6 { padding: 1.5rem; }
.px-3 { padding-inline: 0.75rem; }
.py-1 { padding-block: 0.25rem; }
.list-none { list-style: none; }
.size-10 { width: 2.5rem; height: 2.5rem; }
.h-2 { height: 0.5rem; }
.h-full { height: 100%; }
.overflow-hidden { overflow: hidden; }
.truncate { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.rounded-md { border-radius: 0.375rem; }
.rounded-lg { border-radius: 0.5rem; }
.rounded-full { border-radius: 9999px; }
.border { border: 1px solid; }
.border-2 { border: 2px solid; }
.border-dashed { border-style: dashed; }
.border-ink { border-color: #1f2937; }
.bg-paper { background-color: #ffffff; }
.bg-card { background-color: #f1f5f9; }
.bg-tile { background-color: #e2e8f0; }
.bg-track { background-color: #cbd5e1; }
.bg-accent { background-color: #0f766e; }
.text-ink { color: #1f2937; }
.text-muted { color: #475569; }
.text-danger { color: #b91c1c; }
.cursor-pointer { cursor: pointer; }
.focus-ring:focus-visible { outline: 2px solid #0f766e; outline-offset: 2px; }
`;

/** Every part dressed in the utilities above: with `unstyled`, these are all the classes there are. */
const utilities = {
  root: 'grid gap-3 p-4 max-w-md rounded-lg bg-paper text-ink font-sans',
  dropzone:
    'grid place-items-center gap-1 p-6 rounded-lg border-2 border-dashed border-ink cursor-pointer focus-ring',
  prompt: 'font-semibold',
  hint: 'm-0 text-sm text-muted',
  statusBar: 'grid gap-2 text-sm',
  summary: 'text-muted',
  list: 'grid',
  items: 'grid gap-2 m-0 p-0 list-none',
  card: 'flex gap-3 p-3 rounded-md bg-card',
  thumb: 'grid place-items-center size-10 rounded-md bg-tile text-xs font-semibold',
  body: 'grid gap-1 grow min-w-0',
  row: 'flex items-center justify-between gap-2',
  name: 'truncate font-semibold',
  size: 'text-sm text-muted',
  status: 'text-sm',
  actions: 'flex gap-2',
  action: 'px-3 py-1 rounded-full border border-ink bg-paper text-ink text-sm cursor-pointer focus-ring',
  progress: 'h-2 rounded-full bg-track overflow-hidden',
  indicator: 'h-full bg-accent',
  error: 'm-0 text-sm text-danger',
  item: 'list-none',
} satisfies Partial<Record<UploaderPart, string>>;

/**
 * The ready-made `<Uploader>` in a design system's own utility classes (Tailwind's, say):
 * `classNames` gives each part its classes, and `unstyled` leaves out upkit's, so
 * `upkit/styles.css` (loaded on this page) styles nothing and the utilities do it all.
 */
export const UtilityClassesUnstyled: StoryObj<typeof meta> = {
  render: () => (
    <Uploader endpoint="/api/upload" resumeStorage={false} locale="en-US" unstyled classNames={utilities} />
  ),
  decorators: [
    (Story) => (
      <>
        <style>{UTILITIES}</style>
        {Story()}
      </>
    ),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.upload(
      canvasElement.querySelector('input[type="file"]') as HTMLInputElement,
      new File(['hello, design system'], 'brief.txt', { type: 'text/plain' }),
    );
    const row = (await canvas.findByText('brief.txt', {}, PATIENT)).closest('li') as HTMLElement;
    await waitFor(() => expect(row).toHaveAttribute('data-state', 'done'), PATIENT);
    await expect(within(row).getByText('Uploaded')).toBeVisible();

    // Not one of upkit's classes anywhere, and no class but the design system's.
    const classes = [...canvasElement.querySelectorAll('[class]')].flatMap((element) => [
      ...element.classList,
    ]);
    await expect(classes.filter((name) => name.startsWith('upkit'))).toEqual([]);
    const ours = new Set(Object.values(utilities).flatMap((list) => list.split(' ')));
    await expect(classes.filter((name) => !ours.has(name))).toEqual([]);

    // Each part wears exactly the classes given for it.
    const zone = canvas.getByRole('button', { name: 'Drop files here or choose them' });
    const bar = within(row).getByRole('progressbar', { name: 'Upload progress of brief.txt' });
    const indicator = bar.firstElementChild as HTMLElement;
    const parts: Array<[keyof typeof utilities, Element | null]> = [
      ['root', canvasElement.querySelector('[data-upkit]')],
      ['dropzone', zone],
      ['statusBar', canvas.getByRole('group', { name: 'All uploads' })],
      ['item', row],
      ['name', within(row).getByText('brief.txt')],
      ['progress', bar],
      ['indicator', indicator],
      ['action', within(row).getByRole('button', { name: 'Remove brief.txt' })],
    ];
    for (const [part, element] of parts) {
      await expect(element?.getAttribute('class'), part).toBe(utilities[part]);
    }
    // And they, not upkit/styles.css, style it: a dashed zone, a full teal bar.
    await expect(getComputedStyle(zone).borderTopStyle).toBe('dashed');
    await expect(getComputedStyle(indicator).backgroundColor).toBe('rgb(15, 118, 110)');
    await expect(indicator.getBoundingClientRect().width).toBeCloseTo(bar.getBoundingClientRect().width, 0);
  },
};

/**
 * A design system's meter-like bar in place of upkit's: upkit's props (role, accessible name,
 * ARIA values, `data-state`) spread onto it, its look its own.
 */
function DsMeter({ value, style, ...props }: UploadProgressProps) {
  const state = (props as { 'data-state'?: string })['data-state'];
  const fill =
    state === 'paused' ? '#fbbf24, #d97706' : state === 'error' ? '#fca5a5, #dc2626' : '#86efac, #16a34a';
  return (
    <div
      {...props}
      data-ds="meter"
      style={{
        height: 10,
        borderRadius: 5,
        border: '1px solid #6b7280',
        background: 'linear-gradient(#e5e7eb, #f9fafb)',
        boxShadow: 'inset 0 1px 2px rgb(0 0 0 / 0.25)',
        overflow: 'hidden',
        ...style,
      }}
    >
      <div style={{ width: `${value}%`, height: '100%', background: `linear-gradient(${fill})` }} />
    </div>
  );
}

// Stable references: components made in render would remount every button and bar each render.
const dsComponents = { Button: DsButton, Progress: DsMeter };

/**
 * The ready-made `<Uploader>` with the design system's components: every button is its
 * `DsButton`, every progress bar its meter. upkit keeps the behaviour: names, ARIA values,
 * focus after an action, pause, resume and remove.
 */
export const OwnComponents: StoryObj<typeof meta> = {
  render: () => (
    <Uploader endpoint="/api/upload" resumeStorage={false} locale="en-US" components={dsComponents} />
  ),
  // Slow enough (100 kB/s) to pause a 400 kB file mid-way.
  parameters: { msw: { handlers: createUploadMocks({ bytesPerSecond: 100_000 }).handlers } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.upload(canvasElement.querySelector('input[type="file"]') as HTMLInputElement, [
      new File([new Uint8Array(400_000)], 'clip.mp4', { type: 'video/mp4' }),
      new File(['a few notes'], 'notes.txt', { type: 'text/plain' }),
    ]);
    const pause = await canvas.findByRole('button', { name: 'Pause clip.mp4' }, PATIENT);

    // Every button upkit renders is the design system's (the drop zone is not a <button>).
    const buttons = [...canvasElement.querySelectorAll('button')];
    await expect(buttons.length).toBeGreaterThanOrEqual(4);
    await expect(buttons.filter((button) => button.dataset.ds !== 'button')).toEqual([]);
    // Every bar is the meter, still a named progress bar with its value.
    const bars = canvas.getAllByRole('progressbar');
    await expect(bars.map((bar) => bar.dataset.ds)).toEqual(['meter', 'meter', 'meter']);
    await expect(canvas.getByRole('progressbar', { name: 'Upload progress of all uploads' })).toBeVisible();
    const clip = canvas.getByRole('progressbar', { name: 'Upload progress of clip.mp4' });
    await expect(clip).toHaveAttribute('aria-valuenow');

    // Pause and resume through the design system's buttons; focus stays on the row.
    const row = clip.closest('li') as HTMLElement;
    await userEvent.click(pause);
    await waitFor(() => expect(row).toHaveAttribute('data-state', 'paused'), PATIENT);
    await waitFor(
      () =>
        expect(canvas.getByRole('progressbar', { name: 'Upload progress of notes.txt' })).toHaveAttribute(
          'aria-valuenow',
          '100',
        ),
      PATIENT,
    );
    // The meter hears the state and holds short of full while paused.
    await expect(clip).toHaveAttribute('data-state', 'paused');
    await expect(Number(clip.getAttribute('aria-valuenow'))).toBeLessThan(100);
    const resume = within(row).getByRole('button', { name: 'Resume clip.mp4' });
    await waitFor(() => expect(resume).toHaveFocus(), PATIENT);
    await userEvent.click(resume);
    await waitFor(() => expect(row).toHaveAttribute('data-state', 'done'), { timeout: 15_000 });
    await expect(clip).toHaveAttribute('aria-valuenow', '100');

    // Remove, through a design system's button too.
    await userEvent.click(canvas.getByRole('button', { name: 'Remove notes.txt' }));
    await waitFor(() => expect(canvas.queryByText('notes.txt')).toBeNull(), PATIENT);
    await expect(canvas.getAllByRole('progressbar')).toHaveLength(2);
  },
};
