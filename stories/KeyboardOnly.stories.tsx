import type { Meta, StoryObj } from '@storybook/react-vite';
import axe from 'axe-core';
import { HttpResponse } from 'msw';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { createUploadMocks } from 'upkit/msw';
import { Uploader } from 'upkit/styled';
import 'upkit/styles.css';

// Generous: CI runs these on two busy cores, through MSW's service worker.
const PATIENT = { timeout: 8000 };

const file = (name: string, size: number, type = 'application/octet-stream') =>
  new File([new Uint8Array(size).fill(1)], name, { type });

function keyboardMocks() {
  const state = { notesPresigns: 0 };
  const mocks = createUploadMocks({
    // A 2.5 MB file takes 25 s to land: the videos are still uploading at every step below.
    bytesPerSecond: 100_000,
    onControl: ({ path, body }) => {
      const picked = body.file as { name?: unknown } | undefined;
      // The backend fails notes.txt's first presign (a 500 can succeed later: Retry is offered).
      if (path === 'presign' && picked?.name === 'notes.txt' && ++state.notesPresigns === 1) {
        return HttpResponse.json(
          { error: { code: 'internal', message: 'The upload service is restarting. Try again.' } },
          { status: 500 },
        );
      }
      return undefined;
    },
  });
  return {
    mocks,
    reset: () => {
      mocks.reset();
      state.notesPresigns = 0;
    },
  };
}
const keyboard = keyboardMocks();

const meta = {
  title: 'Uploader/Keyboard only',
  component: Uploader,
  // No automatic retries: notes.txt fails at its first 500 and waits for the person's Retry.
  args: { endpoint: '/api/upload', resumeStorage: false, locale: 'en-US', retry: { retries: 0 } },
  parameters: { msw: { handlers: keyboard.mocks.handlers } },
} satisfies Meta<typeof Uploader>;
export default meta;
type Story = StoryObj<typeof meta>;

const describe = (element: Element | null) => {
  if (!element) return 'nothing';
  if (element === document.body) return '<body>';
  const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
  return `<${element.tagName.toLowerCase()}> "${name}"`;
};

const FOCUS_INSIDE = 'inside the uploader';

/**
 * After a step: keyboard focus is still inside the uploader (not dropped to <body>), and axe
 * finds no violation in it. One assertion, so a failure shows both, each violation with its nodes.
 */
async function checkpoint(root: HTMLElement, step: string) {
  const active = document.activeElement;
  const { violations } = await axe.run(root, { resultTypes: ['violations'] });
  await expect(
    {
      focus: root.contains(active) ? FOCUS_INSIDE : describe(active),
      violations: violations.map(
        (violation) =>
          `${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}: ${violation.nodes
            .map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`)
            .join(' | ')}`,
      ),
    },
    `after "${step}", focus is in the uploader and axe finds no violation in it`,
  ).toEqual({ focus: FOCUS_INSIDE, violations: [] });
}

/**
 * Tab toward the button named `name` (Shift+Tab when it comes before focus) until it has focus.
 * Every stop on the way is inside the uploader.
 */
async function tabTo(root: HTMLElement, name: string) {
  const canvas = within(root);
  for (let presses = 0; presses < 20; presses++) {
    const target = canvas.getByRole('button', { name });
    const active = document.activeElement;
    if (active === target) return;
    const backwards = Boolean(
      active &&
      root.contains(active) &&
      target.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    await userEvent.tab({ shift: backwards });
    await expect(
      root.contains(document.activeElement) ? FOCUS_INSIDE : describe(document.activeElement),
    ).toBe(FOCUS_INSIDE);
  }
  throw new Error(`20 Tabs never reached "${name}"; focus is on ${describe(document.activeElement)}.`);
}

/**
 * The whole flow with the keyboard alone: choose three files, pause and resume one mid-upload,
 * retry the one whose presign failed, remove it, and cancel the rest from the status bar. After
 * every step focus is still in the uploader and axe finds no violation in it.
 */
export const KeyboardOnly: Story = {
  name: 'Keyboard only',
  play: async ({ canvasElement }) => {
    keyboard.reset();
    const canvas = within(canvasElement);
    const root = canvasElement.querySelector('.upkit') as HTMLElement;
    const input = root.querySelector('input[type="file"]') as HTMLInputElement;
    const row = (name: string) => canvas.getByText(name).closest('li') as HTMLElement;
    const state = (name: string, expected: string) =>
      waitFor(() => expect(row(name)).toHaveAttribute('data-state', expected), PATIENT);
    const focused = (name: string) =>
      waitFor(() => expect(canvas.getByRole('button', { name })).toHaveFocus(), PATIENT);

    // 1. Choose files: Tab reaches the drop zone first, and Enter and Space each open the file
    //    chooser, which is a click on the drop zone's hidden input.
    await userEvent.tab();
    await expect(canvas.getByRole('button', { name: 'Drop files here or choose them' })).toHaveFocus();
    let chooserOpened = 0;
    const onChooser = (event: Event) => {
      chooserOpened++;
      // No real chooser in the test browser: it would wait for a person.
      event.preventDefault();
    };
    input.addEventListener('click', onChooser);
    try {
      await userEvent.keyboard('{Enter}');
      await expect(chooserOpened).toBe(1);
      await userEvent.keyboard(' ');
      await expect(chooserOpened).toBe(2);
    } finally {
      input.removeEventListener('click', onChooser);
    }
    // A play function cannot pick files in a real chooser: userEvent.upload hands them to the
    // input as the chooser would (a change event). Focus stays on the drop zone, as when a real
    // chooser closes.
    await userEvent.upload(input, [
      file('movie.mp4', 2_500_000, 'video/mp4'),
      file('notes.txt', 2000, 'text/plain'),
      file('song.mp3', 2_500_000, 'audio/mpeg'),
    ]);
    await state('movie.mp4', 'uploading');
    await state('notes.txt', 'error');
    await focused('Drop files here or choose them');
    await checkpoint(root, 'choose files');

    // 2. Pause movie.mp4 mid-upload: its Pause button hides, and focus moves to Resume.
    await tabTo(root, 'Pause movie.mp4');
    await userEvent.keyboard('{Enter}');
    await state('movie.mp4', 'paused');
    await focused('Resume movie.mp4');
    await checkpoint(root, 'pause movie.mp4');

    // 3. Resume it: focus moves back to Pause.
    await userEvent.keyboard('{Enter}');
    await state('movie.mp4', 'uploading');
    await focused('Pause movie.mp4');
    await checkpoint(root, 'resume movie.mp4');

    // 4. Retry notes.txt: the presign answers this time and the file lands; focus stays on its row.
    await tabTo(root, 'Retry notes.txt');
    await userEvent.keyboard('{Enter}');
    await state('notes.txt', 'done');
    await focused('Remove notes.txt');
    await checkpoint(root, 'retry notes.txt');

    // 5. Remove it: focus moves to the row that takes its place.
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(canvas.queryByText('notes.txt')).toBeNull(), PATIENT);
    await focused('Remove song.mp3');
    await checkpoint(root, 'remove notes.txt');

    // 6. Cancel the two uploads still running from the status bar.
    const bar = canvas.getByRole('group', { name: 'All uploads' });
    await tabTo(root, 'Cancel all');
    await expect(bar).toContainElement(document.activeElement as HTMLElement);
    await userEvent.keyboard('{Enter}');
    await state('movie.mp4', 'canceled');
    await state('song.mp3', 'canceled');
    await checkpoint(root, 'cancel all');
  },
};
