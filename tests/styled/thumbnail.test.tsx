import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUploadMocks } from '../../src/msw/index';
import { Uploader } from '../../src/styled/index';
import { Thumbnail } from '../../src/styled/Thumbnail';
import { deferred, patternedFile } from '../helpers/memoryStorage';

// issue 12: previews decoded off the main thread (createImageBitmap, scaled as decoded), a few
// at a time, and a tile with the extension for everything else.

const mocks = createUploadMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mocks.reset());
afterAll(() => server.close());

interface Decode {
  file: Blob;
  options: ImageBitmapOptions | undefined;
  gate: ReturnType<typeof deferred>;
  closed: boolean;
}

let decodes: Decode[] = [];
const drawn = vi.fn();

beforeEach(() => {
  decodes = [];
  drawn.mockReset();
  // jsdom decodes nothing: each decode waits for its gate, then gives a 160 x 120 "photo".
  vi.stubGlobal('createImageBitmap', (file: Blob, options?: ImageBitmapOptions) => {
    const decode: Decode = { file, options, gate: deferred(), closed: false };
    decodes.push(decode);
    return decode.gate.promise.then(() => ({
      width: 160,
      height: 120,
      close: () => void (decode.closed = true),
    }));
  });
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () => ({ drawImage: drawn }) as unknown as CanvasRenderingContext2D,
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const photo = (i: number) => new File([new Uint8Array(10)], `photo-${i}.jpg`, { type: 'image/jpeg' });

describe('Thumbnail', () => {
  it('decodes at most three images at a time, scaled as they decode, and closes each bitmap', async () => {
    render(
      <>
        {[0, 1, 2, 3, 4].map((i) => (
          <Thumbnail key={i} file={photo(i)} name={`photo-${i}.jpg`} />
        ))}
      </>,
    );
    // The decoding half is a chunk of its own, fetched with the first image.
    await waitFor(() => expect(decodes).toHaveLength(3));
    expect(decodes[0]?.options).toMatchObject({ resizeWidth: 160 });
    await act(async () => decodes[0]?.gate.resolve(undefined));
    await waitFor(() => expect(decodes).toHaveLength(4));
    // Drawn as a centred square crop of the scaled bitmap: 120 x 120 from x = 20.
    expect(drawn).toHaveBeenCalledWith(expect.anything(), 20, 0, 120, 120, 0, 0, 120, 120);
    expect(decodes[0]?.closed).toBe(true);
    await act(async () => decodes.forEach((d) => d.gate.resolve(undefined)));
    await waitFor(() => expect(decodes).toHaveLength(5));
    await act(async () => decodes[4]?.gate.resolve(undefined));
    await waitFor(() => expect(decodes.every((d) => d.closed)).toBe(true));
  });

  it('never decodes an image whose row went away before its turn', async () => {
    const { rerender } = render(
      <>
        {[0, 1, 2, 3].map((i) => (
          <Thumbnail key={i} file={photo(i)} name={`photo-${i}.jpg`} />
        ))}
      </>,
    );
    await waitFor(() => expect(decodes).toHaveLength(3));
    // The fourth leaves the list (scrolled out of a virtual window, removed) while waiting.
    rerender(
      <>
        {[0, 1, 2].map((i) => (
          <Thumbnail key={i} file={decodes[i]!.file} name={`photo-${i}.jpg`} />
        ))}
      </>,
    );
    await act(async () => decodes.forEach((d) => d.gate.resolve(undefined)));
    await waitFor(() => expect(decodes.every((d) => d.closed)).toBe(true));
    expect(decodes).toHaveLength(3);
  });

  it('shows a tile with the extension for other files, huge images and images that do not decode', async () => {
    const { container } = render(
      <>
        <Thumbnail file={new File(['%PDF'], 'report.pdf', { type: 'application/pdf' })} name="report.pdf" />
        <Thumbnail file={{ size: 50 * 1024 * 1024, type: 'image/tiff' } as Blob} name="scan.tiff" />
        <Thumbnail file={photo(9)} name="broken.heic" />
      </>,
    );
    // The PDF and the 50 MB TIFF never reach the decoder.
    await waitFor(() => expect(decodes).toHaveLength(1));
    await act(async () => decodes[0]?.gate.reject(new DOMException('cannot decode', 'InvalidStateError')));
    await waitFor(() => expect(container.querySelectorAll('canvas')).toHaveLength(0));
    expect([...container.querySelectorAll('[data-kind="file"]')].map((tile) => tile.textContent)).toEqual([
      'PDF',
      'TIFF',
      'HEIC',
    ]);
    // Decorative: the row says the file's name.
    for (const tile of container.querySelectorAll('[data-kind]'))
      expect(tile.getAttribute('aria-hidden')).toBe('true');
  });
});

describe('<Uploader> previews', () => {
  it('decodes each image once however often its row re-renders with progress', async () => {
    const user = userEvent.setup();
    server.use(...createUploadMocks({ bytesPerSecond: 100_000 }).handlers);
    const { container } = render(<Uploader endpoint="/api/upload" resumeStorage={false} />);
    await user.upload(
      container.querySelector('input[type="file"]') as HTMLInputElement,
      patternedFile(30_000, 'photo.png', 'image/png'),
    );
    const item = (await screen.findByText('photo.png')).closest('li')!;
    await waitFor(() => expect(decodes).toHaveLength(1));
    await act(async () => decodes[0]?.gate.resolve(undefined));
    await waitFor(() => expect(item.getAttribute('data-state')).toBe('done'));
    expect(decodes).toHaveLength(1);
    expect(within(item).getByText('photo.png')).toBeTruthy();
    expect(item.querySelector('canvas[data-kind="image"]')).not.toBeNull();
    server.resetHandlers();
  });
});
