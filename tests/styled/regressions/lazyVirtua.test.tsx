// virtua is a lazy chunk (issue 12's size goal): a long list shows its first rows while it loads,
// never every row at once, and windows as soon as it is there.
import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { UploadEngine } from '../../../src/core/createUploadEngine';
import { mockUploadItem } from '../../../src/msw/mockUploadItem';
import { loadVirtua, UploadList } from '../../../src/styled/UploadList';
import { ViewportObserver } from '../../helpers/viewportObserver';

beforeEach(() => vi.stubGlobal('ResizeObserver', ViewportObserver));
afterEach(() => vi.unstubAllGlobals());

it('shows the first rows of a long list while the virtualizer loads, then windows it', async () => {
  const items = Array.from({ length: 2000 }, (_, i) => mockUploadItem({ name: `f${i}.bin` }));
  const uploader = {} as UploadEngine;
  const { container } = render(<UploadList upload={{ items, uploader }} locale="en" />);
  const rows = () => [...container.querySelectorAll<HTMLElement>('li')];
  // Before virtua: the first 100, each numbered out of 2,000, in a bounded scroller.
  expect(rows()).toHaveLength(100);
  expect(rows()[99]?.getAttribute('aria-setsize')).toBe('2000');
  expect((container.firstElementChild as HTMLElement).style.overflowY).toBe('auto');
  await act(async () => {
    await loadVirtua();
  });
  await act(async () => {});
  expect(rows().length).toBeGreaterThan(0);
  expect(rows().length).toBeLessThan(100);
  expect(rows().every((row) => row.style.position === 'absolute')).toBe(true);
});
