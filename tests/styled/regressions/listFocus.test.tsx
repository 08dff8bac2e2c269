// Keyboard focus in UploadList, windowed and not. jsdom has no layout, so a ResizeObserver that
// reports a 300x200 viewport lets virtua window the rows as in a browser.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type { UploadEngine } from '../../../src/core/createUploadEngine';
import type { UploadItem } from '../../../src/core/types';
import { mockUploadItem } from '../../../src/msw/mockUploadItem';
import { formatBytes } from '../../../src/styled/format';
import { loadVirtua, UploadList } from '../../../src/styled/UploadList';
import { ViewportObserver } from '../../helpers/viewportObserver';

// virtua is fetched with the first long list; here it is loaded before, as on a page that had one.
beforeAll(() => loadVirtua());
beforeEach(() => vi.stubGlobal('ResizeObserver', ViewportObserver));
afterEach(() => vi.unstubAllGlobals());

let setItems: (update: (items: UploadItem[]) => UploadItem[]) => void;
function Harness({
  initial,
  pause,
  virtualizeAbove = 10,
}: {
  initial: UploadItem[];
  pause?: (id: string) => void;
  virtualizeAbove?: number;
}) {
  const [items, set] = useState(initial);
  setItems = set;
  const uploader = { pause: pause ?? (() => undefined) } as unknown as UploadEngine;
  return <UploadList upload={{ items, uploader }} virtualizeAbove={virtualizeAbove} locale="en" />;
}
const files = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => mockUploadItem({ name: `${prefix}${i}.bin` }));
const removeButton = (container: HTMLElement, name: string) =>
  container.querySelector<HTMLElement>(`[aria-label="Remove ${name}"]`);
const mountedRows = (container: HTMLElement) => [...container.querySelectorAll<HTMLElement>('li.upkit-item')];
// Windowed, virtua mounts the rows near the viewport and places each one itself (absolutely, in a
// list sized for every row); the plain list mounts every row in the page's flow.
const isWindowed = (container: HTMLElement) =>
  mountedRows(container).length > 0 &&
  mountedRows(container).every((row) => row.style.position === 'absolute');

it('keeps the focused row mounted when files above it are removed', async () => {
  const { container } = render(<Harness initial={files(50, 'f')} />);
  await act(async () => {});
  expect(isWindowed(container), 'rows windowed by virtua').toBe(true);
  expect(mountedRows(container).length).toBeLessThan(50);
  // Walk focus down as Tab would: each focused row keeps its neighbour mounted.
  for (let i = 0; i < 16; i++) act(() => removeButton(container, `f${i}.bin`)?.focus());
  const focused = removeButton(container, 'f15.bin');
  expect(document.activeElement).toBe(focused);
  await act(async () => setItems((items) => items.slice(3)));
  expect(focused?.isConnected).toBe(true);
  expect(document.activeElement).toBe(focused);
});

it('keeps the focused row mounted while the window is switched away (blur without relatedTarget)', async () => {
  const { container } = render(<Harness initial={files(50, 'g')} />);
  await act(async () => {});
  expect(isWindowed(container), 'rows windowed by virtua').toBe(true);
  expect(mountedRows(container).length).toBeLessThan(50);
  for (let i = 0; i < 16; i++) act(() => removeButton(container, `g${i}.bin`)?.focus());
  const focused = removeButton(container, 'g15.bin');
  // What a window switch looks like: a blur to nothing while the document loses focus.
  const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
  act(() => void fireEvent.blur(focused as HTMLElement, { relatedTarget: null }));
  hasFocus.mockRestore();
  await act(async () => setItems((items) => [...items]));
  expect(focused?.isConnected).toBe(true);
});

it('moves focus to Resume when Pause hides itself', async () => {
  let current: UploadItem[] = [mockUploadItem({ name: 'a.bin', status: 'uploading' })];
  const pause = () =>
    setItems((items) => (current = items.map((item) => ({ ...item, status: 'paused' as const }))));
  render(<Harness initial={current} pause={pause} />);
  const button = screen.getByRole('button', { name: 'Pause a.bin' });
  button.focus();
  await act(async () => void fireEvent.click(button));
  expect(current[0]?.status).toBe('paused');
  expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Resume a.bin' }));
});

it('does not pull focus back later for an action the uploader never carried out', async () => {
  const { container } = render(
    <>
      <input aria-label="elsewhere" />
      <Harness initial={files(3, 'h')} />
    </>,
  );
  const button = removeButton(container, 'h1.bin') as HTMLElement;
  button.focus();
  // The click is stopped before it reaches the uploader (a cancelled confirm(), say).
  button.addEventListener('click', (event) => event.stopPropagation());
  await act(async () => void fireEvent.click(button));
  const elsewhere = screen.getByLabelText('elsewhere');
  elsewhere.focus();
  await act(async () => setItems((items) => items.filter((item) => item.name !== 'h1.bin')));
  expect(document.activeElement).toBe(elsewhere);
});

it('survives a malformed locale and odd numbers instead of throwing', () => {
  expect(formatBytes(2500, 'en_US')).toMatch(/^2[.,]5/);
  expect(() => render(<Harness initial={files(1, 'l')} />)).not.toThrow();
  expect(formatBytes(Number.NaN)).toBe('');
  expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('');
  expect(formatBytes(-1)).toBe('');
});

it('keeps focus on its button when added files switch the list to windowing', async () => {
  const { container } = render(<Harness initial={files(3, 'w')} virtualizeAbove={3} />);
  // At the threshold: every row mounted, in the flow.
  expect(mountedRows(container)).toHaveLength(3);
  expect(isWindowed(container), 'rows windowed by virtua').toBe(false);
  const button = removeButton(container, 'w1.bin') as HTMLElement;
  button.focus();
  await act(async () => setItems((items) => [...items, ...files(30, 'x')]));
  await act(async () => {});
  // Past it: a window of the 33 rows, each still numbered out of 33, and the focused button is a
  // new element (the switch remounted its row), yet it holds focus.
  expect(isWindowed(container), 'rows windowed by virtua').toBe(true);
  expect(mountedRows(container).length).toBeLessThan(33);
  for (const row of mountedRows(container)) expect(row.getAttribute('aria-setsize')).toBe('33');
  expect(button.isConnected).toBe(false);
  expect(document.activeElement).toBe(removeButton(container, 'w1.bin'));
});

it('does not pull focus back after the user clicked away onto plain page content', async () => {
  const { container } = render(<Harness initial={files(3, 'c')} virtualizeAbove={3} />);
  const button = removeButton(container, 'c1.bin') as HTMLElement;
  button.focus();
  // A click on plain text: focus goes to <body> while the page keeps focus (jsdom says it
  // does not, so say it as a browser would).
  const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(true);
  act(() => button.blur());
  hasFocus.mockRestore();
  await act(async () => setItems((items) => [...items, ...files(2, 'y')]));
  // The list did switch to windowing, which remounted the row that had focus.
  expect(isWindowed(container), 'rows windowed by virtua').toBe(true);
  expect(button.isConnected).toBe(false);
  expect(document.activeElement).toBe(document.body);
});
