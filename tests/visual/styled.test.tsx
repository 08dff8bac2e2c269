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
 * `visual`. The subjects are static items (`mockUploadItem`), never a live upload; the tests
 * assert nothing but pixels, so wording changes only need new references.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { fr, Uploader } from 'upkit/styled';
import {
  everyState,
  Panel,
  part,
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
  const host = await show(
    <div style={{ inlineSize: 560 }}>
      <Uploader
        endpoint="/api/upload"
        resumeStorage={false}
        accept={['image/*', '.pdf']}
        maxFileSize={20_000_000}
        maxFiles={10}
        locale="en-US"
      />
    </div>,
  );
  await expect.element(part(host, '.upkit')).toMatchScreenshot('uploader-idle');
});
