import { act, createEvent, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { useDropzone, type UseDropzoneOptions } from '../../src/headless/useDropzone';

function Zone(
  props: Partial<UseDropzoneOptions> & {
    rootProps?: Record<string, unknown>;
    inputProps?: Record<string, unknown>;
  },
) {
  const { rootProps, inputProps, ...options } = props;
  const { getRootProps, getInputProps, isDragActive } = useDropzone({ onFiles: () => undefined, ...options });
  return (
    <div {...getRootProps({ 'aria-label': 'Upload files', ...rootProps })}>
      <input data-testid="input" {...getInputProps(inputProps)} />
      {isDragActive ? 'Drop to upload' : 'Drag files here'}
    </div>
  );
}

const file = (name: string, type = 'text/plain') => new File(['x'], name, { type });

/** A DataTransfer stand-in: jsdom has none. */
function dataTransfer(files: File[]) {
  return {
    files,
    items: files.map((f) => ({ kind: 'file', getAsFile: () => f })),
    types: ['Files'],
    dropEffect: 'none',
  };
}

describe('useDropzone', () => {
  it('is a focusable button with an accessible name, and opens the picker on Enter and Space', async () => {
    const user = userEvent.setup();
    render(<Zone />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    const click = vi.spyOn(screen.getByTestId('input'), 'click');
    await user.tab();
    expect(zone).toHaveProperty('tabIndex', 0);
    expect(document.activeElement).toBe(zone);
    await user.keyboard('{Enter}');
    await user.keyboard(' ');
    expect(click).toHaveBeenCalledTimes(2);
  });

  it('acts as a native button: Space opens on release, a held Enter opens once', async () => {
    const user = userEvent.setup();
    render(<Zone />);
    const click = vi.spyOn(screen.getByTestId('input'), 'click');
    await user.tab();
    await user.keyboard('[Space>]');
    expect(click).toHaveBeenCalledTimes(0);
    await user.keyboard('[/Space]');
    expect(click).toHaveBeenCalledTimes(1);
    // Held down: five key downs, the last four auto-repeats.
    await user.keyboard('{Enter>5/}');
    expect(click).toHaveBeenCalledTimes(2);
  });

  it('delivers picked files and clears the input so the same file can be picked again', async () => {
    const user = userEvent.setup();
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} />);
    const input = screen.getByTestId('input') as HTMLInputElement;
    await user.upload(input, [file('a.txt'), file('b.txt')]);
    expect(onFiles).toHaveBeenCalledWith([
      expect.objectContaining({ name: 'a.txt' }),
      expect.objectContaining({ name: 'b.txt' }),
    ]);
    expect(input.value).toBe('');
  });

  it('reports dragging in data-state and delivers dropped files', async () => {
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    const files = [file('drop.txt')];
    fireEvent.dragEnter(zone, { dataTransfer: dataTransfer(files) });
    expect(zone.getAttribute('data-state')).toBe('dragging');
    expect(screen.getByText('Drop to upload')).toBeTruthy();
    await act(async () => {
      fireEvent.drop(zone, { dataTransfer: dataTransfer(files) });
    });
    expect(zone.getAttribute('data-state')).toBe('idle');
    // Through the drop walker, a chunk fetched as the drag entered.
    await waitFor(() => expect(onFiles).toHaveBeenCalledWith(files));
  });

  it('keeps dragging while the pointer crosses children, until it leaves the zone', () => {
    render(<Zone />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    fireEvent.dragEnter(zone);
    fireEvent.dragEnter(zone); // entering a child
    fireEvent.dragLeave(zone); // leaving the child
    expect(zone.getAttribute('data-state')).toBe('dragging');
    fireEvent.dragLeave(zone);
    expect(zone.getAttribute('data-state')).toBe('idle');
  });

  it('accepts pasted files', () => {
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    const pasted = [file('clip.png', 'image/png')];
    const event = createEvent.paste(zone, { clipboardData: { files: pasted } });
    fireEvent(zone, event);
    expect(onFiles).toHaveBeenCalledWith(pasted);
    expect(event.defaultPrevented).toBe(true);
  });

  it('walks dropped folders and stops one file past maxFiles (the uploader refuses that one visibly)', async () => {
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} maxFiles={3} />);
    const fileEntry = (name: string) => ({
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(file(name)),
    });
    let reads = 0;
    const folder = {
      isFile: false,
      isDirectory: true,
      createReader: () => ({
        // Batches of two, forever: the walk must stop by itself.
        readEntries: (ok: (entries: unknown[]) => void) => {
          reads++;
          ok([fileEntry(`f${reads}a.txt`), fileEntry(`f${reads}b.txt`)]);
        },
      }),
    };
    const transfer = {
      files: [],
      items: [{ kind: 'file', webkitGetAsEntry: () => folder }],
      types: ['Files'],
    };
    await act(async () => {
      fireEvent.drop(screen.getByRole('button', { name: 'Upload files' }), { dataTransfer: transfer });
    });
    await waitFor(() => expect(onFiles).toHaveBeenCalled());
    expect(onFiles.mock.calls[0]?.[0].map((f: File) => f.name)).toEqual([
      'f1a.txt',
      'f1b.txt',
      'f2a.txt',
      'f2b.txt',
    ]);
    expect(reads).toBeLessThanOrEqual(3);
  });

  it("runs the caller's handlers first, lets preventDefault skip ours, and lets the caller's props win", async () => {
    const user = userEvent.setup();
    const theirs = vi.fn((event: { preventDefault(): void }) => event.preventDefault());
    render(<Zone rootProps={{ onKeyDown: theirs, tabIndex: 3, 'data-state': 'custom' }} />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    const click = vi.spyOn(screen.getByTestId('input'), 'click');
    zone.focus();
    await user.keyboard('{Enter}');
    expect(theirs).toHaveBeenCalledTimes(1);
    expect(click).not.toHaveBeenCalled();
    expect(zone.tabIndex).toBe(3);
    expect(zone.getAttribute('data-state')).toBe('custom');
  });

  it('hands the input to a ref the caller passes, and still opens it', async () => {
    const user = userEvent.setup();
    const ref = { current: null as HTMLInputElement | null };
    render(<Zone inputProps={{ ref }} />);
    expect(ref.current).toBe(screen.getByTestId('input'));
    const click = vi.spyOn(screen.getByTestId('input'), 'click');
    await user.click(screen.getByRole('button', { name: 'Upload files' }));
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('does nothing when disabled, and says so', async () => {
    const user = userEvent.setup();
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} disabled />);
    const zone = screen.getByRole('button', { name: 'Upload files' });
    expect(zone.getAttribute('aria-disabled')).toBe('true');
    expect(zone.tabIndex).toBe(-1);
    const click = vi.spyOn(screen.getByTestId('input'), 'click');
    await user.click(zone);
    await act(async () => {
      fireEvent.drop(zone, { dataTransfer: dataTransfer([file('x.txt')]) });
    });
    expect(click).not.toHaveBeenCalled();
    expect(onFiles).not.toHaveBeenCalled();
  });

  it('with multiple false, the picker takes one file, and a drop of several loses none', async () => {
    const onFiles = vi.fn();
    render(<Zone onFiles={onFiles} multiple={false} maxFiles={1} />);
    await act(async () => {
      fireEvent.drop(screen.getByRole('button', { name: 'Upload files' }), {
        dataTransfer: dataTransfer([file('1.txt'), file('2.txt'), file('3.txt')]),
      });
    });
    // All three reach the uploader, whose maxFiles: 1 keeps 2.txt and 3.txt as refused rows.
    expect(onFiles.mock.calls[0]?.[0].map((f: File) => f.name)).toEqual(['1.txt', '2.txt', '3.txt']);
    expect((screen.getByTestId('input') as HTMLInputElement).multiple).toBe(false);
  });
});
