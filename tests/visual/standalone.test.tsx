/**
 * Parts used on their own, outside `<Uploader>`'s `.upkit` (a hand-built layout): each takes
 * upkit's colours itself. A lone status bar had no border and an invisible bar: its
 * `var(--upkit-*)` values were unset.
 */
import { afterEach, expect, it } from 'vitest';
import { createUploader } from 'upkit';
import { UploadStatusBar } from 'upkit/styled';
import { show, statusBarItems, unmount } from './subjects';

afterEach(unmount);

it('draws a status bar used on its own with upkit colours', async () => {
  const uploader = createUploader({ endpoint: '/api/upload' });
  const host = await show(
    <UploadStatusBar upload={{ items: statusBarItems.uploading(), uploader }} locale="en-US" />,
  );
  const bar = host.querySelector<HTMLElement>('.upkit-statusbar')!;
  expect(bar.closest('.upkit')).toBeNull();
  expect(getComputedStyle(bar).borderTopStyle).toBe('solid');
  expect(getComputedStyle(bar).borderTopColor).toBe('rgb(209, 213, 219)'); // --upkit-border, light
  const indicator = host.querySelector<HTMLElement>('.upkit-progress__indicator')!;
  expect(getComputedStyle(indicator).backgroundColor).toBe('rgb(29, 78, 216)'); // --upkit-accent
});
