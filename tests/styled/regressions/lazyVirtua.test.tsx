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
  // Before virtua: the first 24 (more than the scroller shows), each numbered out of 2,000, in a
  // bounded scroller.
  expect(rows()).toHaveLength(24);
  expect(rows()[23]?.getAttribute('aria-setsize')).toBe('2000');
  expect((container.firstElementChild as HTMLElement).style.overflowY).toBe('auto');
  await act(async () => {
    await loadVirtua();
  });
  await act(async () => {});
  expect(rows().length).toBeGreaterThan(0);
  expect(rows().length).toBeLessThan(24);
  expect(rows().every((row) => row.style.position === 'absolute')).toBe(true);
});

it('windows a list from the first slice of a long drop still being added (store `adding`)', async () => {
  await loadVirtua();
  const items = Array.from({ length: 8 }, (_, i) => mockUploadItem({ name: `f${i}.bin` }));
  const store = { getState: () => ({ adding: 192 }), subscribe: () => () => undefined };
  const uploader = { store } as unknown as UploadEngine;
  const { container } = render(<UploadList upload={{ items, uploader }} locale="en" />);
  await act(async () => {});
  const rows = [...container.querySelectorAll<HTMLElement>('li')];
  // Windowed by virtua (absolutely placed rows) with 8 items: no 100 plain rows first.
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((row) => row.style.position === 'absolute')).toBe(true);
  expect((container.firstElementChild as HTMLElement).style.overflowY).toBe('auto');
});
