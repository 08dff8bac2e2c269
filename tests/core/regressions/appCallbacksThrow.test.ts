// A throwing onError stopped upload() at once (the later files of the call stayed queued for
// ever) and a throwing onSuccess became an unhandled rejection. The app's callbacks are the
// app's: their failures are reported on the console and change nothing else.
import { afterEach, expect, it, vi } from 'vitest';
import { createMemoryStorage, createTestEngine, patternedFile } from '../../helpers/memoryStorage';

afterEach(() => vi.restoreAllMocks());

it('a throwing onError or onSuccess stops nothing and leaves no unhandled rejection', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  const storage = createMemoryStorage();
  const engine = createTestEngine(storage, {
    mode: 'single',
    maxFileSize: 1000,
    onError: () => {
      throw new Error('app bug in onError');
    },
    onSuccess: async () => {
      throw new Error('app bug in onSuccess');
    },
  });
  try {
    const items = await engine.upload([
      patternedFile(5000, 'too-big.bin'),
      patternedFile(10, 'a.bin'),
      patternedFile(20, 'b.bin'),
    ]);
    expect(items.map((item) => item.status)).toEqual(['error', 'done', 'done']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unhandled).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledTimes(3);
  } finally {
    process.off('unhandledRejection', unhandled);
  }
});
