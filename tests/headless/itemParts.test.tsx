import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { UploadEngine } from '../../src/core/createUploadEngine';
import { UploadError } from '../../src/core/errors';
import {
  getActionProps,
  getItemProps,
  getProgressProps,
  type ItemAction,
} from '../../src/headless/itemProps';
import { UploadAnnouncer } from '../../src/headless/UploadAnnouncer';
import { useUploaderState } from '../../src/react/useUploaderState';
import { createMemoryStorage, createTestEngine, patternedFile } from '../helpers/memoryStorage';

const ACTIONS: ItemAction[] = ['pause', 'resume', 'cancel', 'retry', 'remove'];

function List({ uploader }: { uploader: UploadEngine }) {
  const items = useUploaderState(uploader, (s) => s.items);
  return (
    <ul>
      {items.map((item) => (
        <li key={item.id} {...getItemProps(item)}>
          {item.name}
          <div {...getProgressProps(item)} />
          {ACTIONS.map((action) => (
            <button key={action} {...getActionProps(uploader, item, action)} />
          ))}
        </li>
      ))}
    </ul>
  );
}

/** An engine whose PUTs wait until `release()`, or fail while `fail` is set. */
function setup() {
  const storage = createMemoryStorage();
  const control = { hold: true, fail: false, waiting: [] as Array<() => void> };
  storage.intercept(async (request) => {
    if (control.fail)
      throw new UploadError('storage-rejected', 'Storage refused the upload with HTTP 400.', { status: 400 });
    request.onProgress(request.body.size / 2);
    if (control.hold) {
      await new Promise<void>((resolve, reject) => {
        control.waiting.push(resolve);
        request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'aborted')));
      });
    }
    return undefined;
  });
  const uploader = createTestEngine(storage, { retry: { retries: 0 } });
  const release = () => {
    control.hold = false;
    control.waiting.splice(0).forEach((resolve) => resolve());
  };
  return { uploader, control, release };
}

describe('item parts', () => {
  it('exposes status and progress to assistive tech, and only the actions that apply', async () => {
    const { uploader } = setup();
    render(<List uploader={uploader} />);
    act(() => void uploader.upload([patternedFile(1000, 'a.bin')]));
    const bar = await screen.findByRole('progressbar', { name: 'Upload progress of a.bin' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('50'));
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('50%, uploading');
    expect(bar.closest('li')?.getAttribute('data-state')).toBe('uploading');
    expect(bar.closest('li')?.getAttribute('aria-busy')).toBe('true');
    // Visible (not hidden) buttons only:
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual([
      'Pause a.bin',
      'Cancel a.bin',
      'Remove a.bin',
    ]);
  });

  it('pauses, resumes and completes through the buttons', async () => {
    const user = userEvent.setup();
    const { uploader, release } = setup();
    render(<List uploader={uploader} />);
    act(() => void uploader.upload([patternedFile(1000, 'a.bin')]));
    await user.click(await screen.findByRole('button', { name: 'Pause a.bin' }));
    expect(screen.getByText('a.bin').closest('li')?.getAttribute('data-state')).toBe('paused');
    release();
    await user.click(screen.getByRole('button', { name: 'Resume a.bin' }));
    await waitFor(() =>
      expect(screen.getByText('a.bin').closest('li')?.getAttribute('data-state')).toBe('done'),
    );
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
  });

  it('retries a failed file and removes files from the list', async () => {
    const user = userEvent.setup();
    const { uploader, control, release } = setup();
    control.fail = true;
    render(<List uploader={uploader} />);
    act(() => void uploader.upload([patternedFile(1000, 'a.bin'), patternedFile(10, 'b.bin')]));
    await screen.findByRole('button', { name: 'Retry a.bin' });
    control.fail = false;
    release();
    await user.click(screen.getByRole('button', { name: 'Retry a.bin' }));
    await waitFor(() =>
      expect(screen.getByText('a.bin').closest('li')?.getAttribute('data-state')).toBe('done'),
    );
    await user.click(screen.getByRole('button', { name: 'Remove b.bin' }));
    expect(screen.queryByText('b.bin')).toBeNull();
  });
});

describe('UploadAnnouncer', () => {
  it('announces the start, completion once, and errors assertively', async () => {
    const { uploader, control, release } = setup();
    render(<UploadAnnouncer uploader={uploader} />);
    const [polite, assertive] = [screen.getByRole('status'), screen.getByRole('alert')];
    act(() => void uploader.upload([patternedFile(100, 'a.bin'), patternedFile(100, 'b.bin')]));
    await waitFor(() => expect(polite.textContent).toBe('Uploading 2 files.'));
    release();
    await waitFor(() => expect(polite.textContent).toBe('2 files uploaded.'));
    expect(assertive.textContent).toBe('');

    control.fail = true;
    act(() => void uploader.upload([patternedFile(100, 'c.bin')]));
    await waitFor(() =>
      expect(assertive.textContent).toBe('c.bin failed: Storage refused the upload with HTTP 400.'),
    );
    // Once every file has settled, with a failure among them: said once, with the count.
    await waitFor(() => expect(polite.textContent).toBe('2 of 3 files uploaded, 1 failed.'));
    expect(polite.getAttribute('aria-live')).toBe('polite');
    expect(assertive.getAttribute('aria-live')).toBe('assertive');
  });

  it('announces the end of a batch in which a file was refused before any request', async () => {
    const storage = createMemoryStorage();
    const uploader = createTestEngine(storage, { maxFileSize: 500 });
    render(<UploadAnnouncer uploader={uploader} />);
    const [polite, assertive] = [screen.getByRole('status'), screen.getByRole('alert')];
    act(() => void uploader.upload([patternedFile(100, 'a.bin'), patternedFile(1000, 'big.bin')]));
    await waitFor(() => expect(assertive.textContent).toMatch(/^big\.bin failed: /));
    // The refused file is told as a failure, and the batch still ends.
    await waitFor(() => expect(polite.textContent).toBe('1 file uploaded.'));
  });

  it('says nothing at the end of a batch whose every file was canceled or refused', async () => {
    const storage = createMemoryStorage();
    const refusing = createTestEngine(storage, { maxFileSize: 500 });
    render(<UploadAnnouncer uploader={refusing} />);
    const polite = screen.getByRole('status');
    storage.intercept(
      (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'aborted'))),
        ),
    );
    act(() => void refusing.add([patternedFile(100, 'a.bin'), patternedFile(1000, 'big.bin')]));
    await waitFor(() => expect(polite.textContent).toBe('Uploading 1 file.'));
    await act(async () => refusing.cancel(refusing.store.getState().items[0]!.id));
    await new Promise((settled) => setTimeout(settled, 20));
    expect(polite.textContent).toBe('Uploading 1 file.');
  });
});
