import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { UploadError } from '../../src/core/errors';
import type { UploadItem } from '../../src/core/types';
import { defaultMessages } from '../../src/headless/itemProps';
import { Upload } from '../../src/headless/UploadItemParts';
import { useUploaderState } from '../../src/react/useUploaderState';
import { createMemoryStorage, createTestEngine, patternedFile } from '../helpers/memoryStorage';

function setup() {
  const storage = createMemoryStorage();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  storage.intercept(async (request) => {
    request.onProgress(request.body.size / 4);
    await gate;
    return undefined;
  });
  const uploader = createTestEngine(storage);
  return { uploader, release };
}

describe('Upload compound parts', () => {
  it('render the item, its progress bar and the actions that apply', async () => {
    const user = userEvent.setup();
    const { uploader, release } = setup();
    function List() {
      const items = useUploaderState(uploader, (s) => s.items);
      return (
        <ul>
          {items.map((item) => (
            <Upload.Item key={item.id} item={item} uploader={uploader} className="row">
              {item.name}
              <Upload.Progress>
                <Upload.Indicator className="fill" />
              </Upload.Progress>
              <Upload.Action action="pause" />
              <Upload.Action action="retry">Try again</Upload.Action>
            </Upload.Item>
          ))}
        </ul>
      );
    }
    render(<List />);
    act(() => void uploader.upload([patternedFile(400, 'cv.pdf')]));
    const bar = await screen.findByRole('progressbar', { name: 'Upload progress of cv.pdf' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('25'));
    expect((bar.firstChild as HTMLElement).style.getPropertyValue('--upkit-progress')).toBe('25%');
    expect(screen.getByText('cv.pdf').closest('li')?.className).toBe('row');
    // Retry does not apply while uploading: hidden. Its name carries its visible words.
    expect(screen.queryByRole('button', { name: 'Try again cv.pdf' })).toBeNull();
    expect(screen.getByText('Try again').getAttribute('aria-label')).toBe('Try again cv.pdf');
    await user.click(screen.getByRole('button', { name: 'Pause cv.pdf' }));
    expect(uploader.store.getState().items[0]?.status).toBe('paused');
    release();
  });

  it("shows a file's error in the caller's words, and nothing while there is none", async () => {
    const storage = createMemoryStorage();
    const uploader = createTestEngine(storage, { maxFileSize: 100 });
    const messages = {
      ...defaultMessages,
      // A language that puts the verb last.
      actionLabel: (label: string, name: string) => `${name}を${label}`,
      errorMessage: (error: UploadError, item: UploadItem) =>
        error.code === 'file-too-large' ? `${item.name}は${error.limit}バイトまで` : error.message,
    };
    function List() {
      const items = useUploaderState(uploader, (s) => s.items);
      return (
        <ul>
          {items.map((item) => (
            <Upload.Item key={item.id} item={item} uploader={uploader} messages={messages}>
              {item.name}
              <Upload.Error className="error" />
              <Upload.Action action="remove">削除</Upload.Action>
            </Upload.Item>
          ))}
        </ul>
      );
    }
    const { container } = render(<List />);
    await act(() => uploader.upload([patternedFile(500, 'big.bin'), patternedFile(50, 'ok.bin')]));
    const errors = container.querySelectorAll('p.error');
    expect([...errors].map((p) => [p.textContent, p.getAttribute('data-code')])).toEqual([
      ['big.binは100バイトまで', 'file-too-large'],
    ]);
    expect(screen.getByRole('button', { name: 'big.binを削除' })).toBeTruthy();
  });

  it('explains a part used outside Upload.Item', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<Upload.Action action="pause" />)).toThrow(
      '<Upload.Action> must be inside <Upload.Item>.',
    );
  });
});
