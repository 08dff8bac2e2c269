// virtua is a lazy chunk, fetched with the first list long enough to window. Offline with that
// chunk not cached, its import fails: the list must then show every row (nothing hidden behind a
// loader that never comes), and the next long list must try the chunk again.
import { act, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { UploadEngine } from '../../../src/core/createUploadEngine';
import { mockUploadItem } from '../../../src/msw/mockUploadItem';
import { UploadList } from '../../../src/styled/UploadList';
import { ViewportObserver } from '../../helpers/viewportObserver';

let fetches = 0;
vi.mock('../../../src/styled/virtua', async (importOriginal) => {
  // The first fetch fails; the connection is back for the next.
  if (fetches++ === 0) throw new Error('Failed to fetch dynamically imported module');
  return importOriginal();
});

beforeEach(() => vi.stubGlobal('ResizeObserver', ViewportObserver));
afterEach(() => vi.unstubAllGlobals());

it('shows every row of a long list when virtua cannot be fetched, and fetches it for the next list', async () => {
  const items = Array.from({ length: 150 }, (_, i) => mockUploadItem({ name: `f${i}.bin` }));
  const uploader = {} as UploadEngine;
  const first = render(<UploadList upload={{ items, uploader }} locale="en" />);
  const rows = (container: HTMLElement) => [...container.querySelectorAll<HTMLElement>('li')];
  expect(rows(first.container)).toHaveLength(24);
  await act(async () => {});
  await act(async () => {});
  // The fetch failed: all 150 rows, plain, each still numbered, in the bounded scroller.
  expect(fetches).toBe(1);
  expect(rows(first.container)).toHaveLength(150);
  expect(rows(first.container)[149]?.getAttribute('aria-posinset')).toBe('150');
  expect(rows(first.container).some((row) => row.style.position === 'absolute')).toBe(false);
  first.unmount();

  // The next long list asks again, and windows.
  const next = render(<UploadList upload={{ items, uploader }} locale="en" />);
  await waitFor(() => expect(fetches).toBe(2));
  await waitFor(() => expect(rows(next.container).length).toBeLessThan(24));
  expect(rows(next.container).length).toBeGreaterThan(0);
  expect(rows(next.container).length).toBeLessThan(24);
  expect(rows(next.container).every((row) => row.style.position === 'absolute')).toBe(true);
});
