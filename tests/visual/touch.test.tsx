/**
 * Phones (issue 12): with a coarse pointer (touch emulated through Chromium's DevTools protocol,
 * as device mode does), every control a finger presses is at least 44 px each way (WCAG 2.5.5):
 * the drop zone's buttons, the folder picker, each row's actions, the fields and the status bar's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { Uploader, UploadButton } from 'upkit/styled';
import { Panel, show, unmount, withFields } from './subjects';

beforeAll(async () => {
  await cdp().send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
});
afterAll(async () => {
  unmount();
  await cdp().send('Emulation.setTouchEmulationEnabled', { enabled: false });
});

it('makes every control at least 44 px each way under a coarse pointer', async () => {
  expect(matchMedia('(pointer: coarse)').matches).toBe(true);
  const upload = { upload: async () => [], items: [], uploader: undefined as never };
  const host = await show(
    <div>
      <Uploader endpoint="/api/upload" resumeStorage={false} folders />
      <Panel {...withFields()} />
      <UploadButton upload={upload} />
    </div>,
  );
  const controls = [
    ...host.querySelectorAll<HTMLElement>('button, [role="button"], input:not([type="file"]), textarea'),
  ].filter((control) => control.getClientRects().length > 0);
  expect(controls.length).toBeGreaterThanOrEqual(8);
  const small = controls
    .map((control) => ({ control, box: control.getBoundingClientRect() }))
    .filter(({ box }) => box.width < 44 || box.height < 44)
    .map(({ control, box }) => `${control.outerHTML.slice(0, 80)}: ${box.width} x ${box.height}`);
  expect(small).toEqual([]);
});
