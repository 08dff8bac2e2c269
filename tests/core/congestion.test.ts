import { expect, it } from 'vitest';
import { createCongestion } from '../../src/core/congestion';
import { storageError } from '../../src/core/storageError';
import { createMemoryStorage, createTestEngine, patternedFile } from '../helpers/memoryStorage';

it('halves the limit on each throttle, never below 2, and climbs back one per full round of successes', () => {
  const applied: number[] = [];
  const congestion = createCongestion(8, (limit) => applied.push(limit));
  congestion.throttled();
  congestion.throttled();
  congestion.throttled();
  expect(applied).toEqual([4, 2]);
  for (let i = 0; i < 2; i++) congestion.succeeded();
  expect(congestion.current).toBe(3);
  for (let i = 0; i < 3 + 4 + 5 + 6 + 7 + 20; i++) congestion.succeeded();
  expect(applied).toEqual([4, 2, 3, 4, 5, 6, 7, 8]);
  expect(congestion.current).toBe(8);
});

it('follows a lowered app limit at once, and climbs only back up to a raised one', () => {
  const applied: number[] = [];
  const congestion = createCongestion(8, (limit) => applied.push(limit));
  congestion.setCeiling(3);
  expect(congestion.current).toBe(3);
  congestion.setCeiling(4);
  expect(congestion.current).toBe(3);
  for (let i = 0; i < 3; i++) congestion.succeeded();
  expect(applied).toEqual([4]);
  for (let i = 0; i < 10; i++) congestion.succeeded();
  expect(congestion.current).toBe(4);
});

it('storage answering 503 SlowDown lowers the PUTs in flight, then lets them rise again', async () => {
  const storage = createMemoryStorage();
  const engine = createTestEngine(storage, {
    concurrency: 8,
    retry: { retries: 8, baseDelayMs: 1, maxDelayMs: 2 },
  });
  let inFlight = 0;
  const peaks: number[] = [];
  let slowDowns = 12;
  // The first PUTs are held until 8 are in flight (or 2 s passed, if fewer can be), so the peak
  // does not depend on how fast a busy machine starts them.
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const fallback = setTimeout(openGate, 2000);
  storage.intercept(async () => {
    inFlight++;
    peaks.push(inFlight);
    if (inFlight === 8) openGate();
    await gate;
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    if (slowDowns-- > 0) {
      throw storageError(
        503,
        '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        '0',
      );
    }
    return undefined;
  });
  const files = Array.from({ length: 60 }, (_, i) => patternedFile(100, `f${i}.bin`));
  const items = await engine.upload(files);
  clearTimeout(fallback);
  expect(items.every((item) => item.status === 'done')).toBe(true);
  // At first 8 PUTs go at once. The 12 SlowDowns halve the limit to its floor, 2 PUTs at a
  // time. Then successes open it up again.
  expect(Math.max(...peaks.slice(0, 8))).toBe(8);
  expect(Math.max(...peaks.slice(8, 15))).toBe(2);
  expect(Math.max(...peaks.slice(-10))).toBeGreaterThan(3);
});
