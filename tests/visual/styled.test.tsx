/**
 * Visual regression of the styled components (issue 12): each test draws one fixed subject and
 * compares a screenshot of it with the reference PNG in `__screenshots__/styled.test.tsx/`.
 *
 * After an intended style change, look at the diff, then write new references and commit them:
 *
 *   npx vitest run --project visual --update
 *
 * A failed comparison leaves the actual and diff images in `.vitest-attachments/tests/visual/`.
 * References are per browser and platform (Vitest names them `<name>-chromium-linux.png`): they
 * come from Debian's Chromium with its fonts, and another OS or Chromium build draws text a few
 * pixels differently, so generate them where `npm test` runs. Tolerance: vite.config.ts, project
 * `visual`. The subjects are static items (`mockUploadItem`) and entries, never a live upload;
 * the one exception is the offline notice, which only the engine can raise: its file waits for
 * the `online` event before any byte is sent, so nothing moves. The tests assert nothing but
 * pixels, so wording changes only need new references.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { fr } from 'upkit/styled';
import {
  dragOver,
  everyState,
  IdleUploader,
  interrupted,
  offline,
  OfflineUploader,
  Panel,
  part,
  pick,
  refused,
  settle,
  show,
  statusBarItems,
  thousandFiles,
  unmount,
  withFields,
} from './subjects';

afterEach(unmount);

describe('file list', () => {
  test('every state', async () => {
    const host = await show(<Panel items={everyState()} statusBar={false} />);
    await expect.element(part(host, '.upkit')).toMatchScreenshot('every-state');
  });

  test('dark', async () => {
    const host = await show(<Panel items={everyState()} theme="dark" />);
    await expect.element(part(host, '.upkit')).toMatchScreenshot('dark');
  });

  test('right to left', async () => {
    const host = await show(
      <div dir="rtl">
        <Panel items={everyState()} />
      </div>,
    );
    await expect.element(part(host, '.upkit')).toMatchScreenshot('rtl');
  });

  test('French', async () => {
    const host = await show(<Panel items={everyState()} messages={fr} locale="fr" />);
    await expect.element(part(host, '.upkit')).toMatchScreenshot('french');
  });

  test('1,000 files, windowed, scrolled to the top', async () => {
    const host = await show(<Panel items={thousandFiles()} statusBar={false} scrolls />);
    await expect.element(part(host, '.upkit-list')).toMatchScreenshot('thousand-files');
  });
});

test('files refused before upload: too large, a type not accepted', async () => {
  const host = await show(<Panel items={refused()} statusBar={false} />);
  await expect.element(part(host, '.upkit')).toMatchScreenshot('refused');
});

test('interrupted uploads: Resume, Choose file to resume, and one that failed to resume', async () => {
  const host = await show(<Panel items={[]} resumable={interrupted()} statusBar={false} list={false} />);
  // The section is a chunk of its own, fetched once there is something to resume.
  await settle(host, '.upkit-resumable');
  host.querySelector<HTMLElement>('[aria-label="Resume rehearsal.mp4"]')?.click();
  await settle(host, '.upkit-resumable [role="alert"]');
  await expect.element(part(host, '.upkit')).toMatchScreenshot('interrupted');
});

test('a keyboard focus ring on a file action', async () => {
  const paused = everyState().filter((item) => item.status === 'paused');
  const host = await show(<Panel items={paused} statusBar={false} />);
  const target = host.querySelector('[data-action="resume"]');
  for (let presses = 0; document.activeElement !== target; presses++) {
    if (presses === 10) throw new Error('Tab never reached the Resume button');
    await userEvent.tab();
  }
  await settle(host);
  await expect.element(part(host, '.upkit')).toMatchScreenshot('focus-ring');
});

test('fields before upload, a required one left empty', async () => {
  const host = await show(<Panel {...withFields()} />);
  await expect.element(part(host, '.upkit')).toMatchScreenshot('fields');
});

describe('status bar', () => {
  for (const [name, items] of Object.entries(statusBarItems)) {
    test(name, async () => {
      const host = await show(<Panel items={items()} list={false} />);
      await expect.element(part(host, '.upkit')).toMatchScreenshot(`status-bar-${name}`);
    });
  }
});

test('<Uploader> idle: drop zone and limits', async () => {
  const host = await show(<IdleUploader folders={false} />);
  await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-idle');
});

describe('<Uploader> idle, with the folder button', () => {
  test('dark', async () => {
    const host = await show(<IdleUploader theme="dark" />);
    await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-idle-dark');
  });

  test('right to left', async () => {
    const host = await show(
      <div dir="rtl">
        <IdleUploader />
      </div>,
    );
    await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-idle-rtl');
  });

  test('French', async () => {
    const host = await show(<IdleUploader messages={fr} locale="fr" />);
    await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-idle-french');
  });

  test('a file dragged over the drop zone', async () => {
    const host = await show(<IdleUploader />);
    dragOver(part(host, '.upkit-dropzone').element());
    await settle(host, '.upkit-dropzone[data-state="dragging"]');
    await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-dragging');
  });
});

test('<Uploader> offline: the notice over a file waiting for the network', async () => {
  const online = offline();
  try {
    const host = await show(<OfflineUploader />);
    pick(host, [new File(['notes'], 'notes.txt', { type: 'text/plain' })]);
    await settle(host, '.upkit-offline');
    await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-offline');
  } finally {
    online();
  }
});
