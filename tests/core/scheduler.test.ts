import { describe, expect, it, vi } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { createScheduler, type Lane, type Scheduler } from '../../src/core/scheduler';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback (including the scheduler's slot release) run. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Wraps a scheduler so each task is a label whose promise the test resolves by hand, and records
 * start order and peak concurrency.
 */
function harness(limit: number, controlLimit?: number) {
  const scheduler = createScheduler(limit, controlLimit);
  const started: string[] = [];
  const pending = new Map<string, Deferred<string>>();
  const lanes = new Map<string, Lane>();
  const current = { control: 0, data: 0 };
  const peak = { total: 0, control: 0, data: 0 };

  function add(group: string, lane: Lane, label: string, signal?: AbortSignal): Promise<string> {
    lanes.set(label, lane);
    return scheduler.run(
      group,
      lane,
      () => {
        const d = deferred<string>();
        pending.set(label, d);
        started.push(label);
        current[lane]++;
        peak[lane] = Math.max(peak[lane], current[lane]);
        peak.total = Math.max(peak.total, current.control + current.data);
        return d.promise;
      },
      signal,
    );
  }

  async function finish(label: string, fail = false): Promise<void> {
    const d = pending.get(label);
    if (!d) throw new Error(`${label} is not running`);
    pending.delete(label);
    current[lanes.get(label)!]--;
    if (fail) d.reject(new Error(`${label} failed`));
    else d.resolve(`${label} done`);
    await flush();
  }

  return { scheduler, started, pending, peak, add, finish };
}

/** Small deterministic PRNG (mulberry32) so the stress run is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createScheduler concurrency limit', () => {
  it('never runs more than `limit` data tasks nor more than the control limit, over 200 tasks in 5 groups', async () => {
    const limit = 3;
    const h = harness(limit, 2);
    const random = mulberry32(42);
    const results: Promise<string>[] = [];
    const groups = ['g0', 'g1', 'g2', 'g3', 'g4'];

    for (let i = 0; i < 200; i++) {
      const lane: Lane = i % 7 === 0 ? 'control' : 'data';
      results.push(h.add(groups[i % groups.length]!, lane, `t${i}`));
      // Finish a random running task now and then, so queueing and completion interleave.
      if (i % 3 === 2 && h.pending.size > 0) {
        const running = [...h.pending.keys()];
        await h.finish(running[Math.floor(random() * running.length)]!);
      }
      const { control, data } = h.scheduler.running;
      expect(control).toBeLessThanOrEqual(2);
      expect(data).toBeLessThanOrEqual(limit);
    }
    while (h.pending.size > 0) {
      const running = [...h.pending.keys()];
      expect(running.length).toBeLessThanOrEqual(limit + 2);
      await h.finish(running[Math.floor(random() * running.length)]!);
    }

    const values = await Promise.all(results);
    expect(values).toHaveLength(200);
    expect(values[0]).toBe('t0 done');
    expect(values[199]).toBe('t199 done');
    expect(h.started).toHaveLength(200);
    expect(new Set(h.started).size).toBe(200);
    // The limit is reached, and never exceeded.
    expect(h.peak.data).toBe(limit);
    expect(h.peak.control).toBe(2);
    expect(h.scheduler.running).toEqual({ control: 0, data: 0 });
    expect(h.scheduler.queued).toBe(0);
  });

  it('keeps data tasks to the limit and starts a control task at once while they run', async () => {
    const h = harness(2);
    for (let i = 1; i <= 5; i++) void h.add(`g${i}`, 'data', `d${i}`);
    await flush();
    expect(h.started).toEqual(['d1', 'd2']);
    expect(h.scheduler.running).toEqual({ control: 0, data: 2 });
    expect(h.scheduler.queued).toBe(3);

    void h.add('g1', 'control', 'c1');
    expect(h.started).toEqual(['d1', 'd2', 'c1']);
    expect(h.scheduler.running).toEqual({ control: 1, data: 2 });
    expect(h.scheduler.queued).toBe(3);
  });

  it('never makes a control task wait for a data task, even with one data slot', async () => {
    const h = harness(1);
    void h.add('a', 'data', 'd1');
    void h.add('b', 'data', 'd2');
    void h.add('a', 'control', 'c1');
    expect(h.started).toEqual(['d1', 'c1']);
    expect(h.scheduler.running).toEqual({ control: 1, data: 1 });
  });

  it('frees a slot only in its own lane', async () => {
    const h = harness(1, 1);
    void h.add('a', 'control', 'c0');
    void h.add('a', 'data', 'd1');
    void h.add('b', 'data', 'd2');
    void h.add('b', 'control', 'c1');
    expect(h.started).toEqual(['c0', 'd1']);
    expect(h.scheduler.queued).toBe(2);

    await h.finish('d1');
    expect(h.started).toEqual(['c0', 'd1', 'd2']);
    await h.finish('c0');
    expect(h.started).toEqual(['c0', 'd1', 'd2', 'c1']);
  });

  it('runs control tasks FIFO', async () => {
    const h = harness(1);
    void h.add('a', 'control', 'c0');
    void h.add('b', 'control', 'c1');
    void h.add('a', 'control', 'c2');
    void h.add('c', 'control', 'c3');
    for (const label of ['c0', 'c1', 'c2']) await h.finish(label);
    expect(h.started).toEqual(['c0', 'c1', 'c2', 'c3']);
  });
});

describe('round-robin fairness', () => {
  it('interleaves a small group B with a large earlier group A (one data slot)', async () => {
    const h = harness(1);
    for (let i = 1; i <= 50; i++) void h.add('A', 'data', `A${i}`);
    for (let i = 1; i <= 5; i++) void h.add('B', 'data', `B${i}`);

    while (h.pending.size > 0) {
      expect(h.pending.size).toBe(1);
      await h.finish([...h.pending.keys()][0]!);
    }

    const rest = Array.from({ length: 44 }, (_, i) => `A${i + 7}`);
    expect(h.started).toEqual(['A1', 'A2', 'B1', 'A3', 'B2', 'A4', 'B3', 'A5', 'B4', 'A6', 'B5', ...rest]);
    expect(h.started.indexOf('B5')).toBeLessThan(h.started.indexOf('A10'));
  });

  it('rotates between three groups one task at a time', async () => {
    const h = harness(1);
    void h.add('X', 'data', 'x0'); // starts at once
    for (const g of ['a', 'b', 'c']) for (let i = 1; i <= 3; i++) void h.add(g, 'data', `${g}${i}`);
    while (h.pending.size > 0) await h.finish([...h.pending.keys()][0]!);
    expect(h.started).toEqual(['x0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
  });
});

describe('abort', () => {
  it('rejects a queued data task with aborted when its signal aborts; it never runs', async () => {
    const h = harness(1);
    void h.add('a', 'data', 'd1');
    const controller = new AbortController();
    const aborted = h.add('a', 'data', 'd2', controller.signal);
    void h.add('a', 'data', 'd3');
    expect(h.scheduler.queued).toBe(2);

    controller.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).code).toBe('aborted');
    expect(h.scheduler.queued).toBe(1);

    await h.finish('d1');
    await h.finish('d3');
    expect(h.started).toEqual(['d1', 'd3']);
    expect(h.scheduler.queued).toBe(0);
  });

  it('rejects a queued control task with aborted; it never runs', async () => {
    const h = harness(1, 1);
    void h.add('a', 'control', 'c0');
    const controller = new AbortController();
    const aborted = h.add('a', 'control', 'c1', controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    expect(h.scheduler.queued).toBe(0);
    await h.finish('c0');
    expect(h.started).toEqual(['c0']);
    expect(h.scheduler.running).toEqual({ control: 0, data: 0 });
  });

  it('keeps round-robin working after a group loses its only queued task', async () => {
    const h = harness(1);
    void h.add('A', 'data', 'A1');
    const controller = new AbortController();
    const a2 = h.add('A', 'data', 'A2', controller.signal);
    void h.add('B', 'data', 'B1');
    controller.abort();
    await expect(a2).rejects.toMatchObject({ code: 'aborted' });
    void h.add('A', 'data', 'A3');
    void h.add('B', 'data', 'B2');
    while (h.pending.size > 0) await h.finish([...h.pending.keys()][0]!);
    expect(h.started).toEqual(['A1', 'B1', 'A3', 'B2']);
  });

  it('rejects at once, without queueing, when the signal is already aborted', async () => {
    const scheduler = createScheduler(1);
    const task = vi.fn(async () => 'never');
    const controller = new AbortController();
    controller.abort();
    const promise = scheduler.run('a', 'data', task, controller.signal);
    expect(scheduler.queued).toBe(0);
    expect(scheduler.running).toEqual({ control: 0, data: 0 });
    await expect(promise).rejects.toMatchObject({ name: 'UploadError', code: 'aborted' });
    expect(task).not.toHaveBeenCalled();
  });

  it('does not affect a task that has already started', async () => {
    const h = harness(1);
    const controller = new AbortController();
    const running = h.add('a', 'data', 'd1', controller.signal);
    controller.abort();
    await h.finish('d1');
    await expect(running).resolves.toBe('d1 done');
  });
});

describe('failing tasks', () => {
  it('rejects a task that throws synchronously and frees its slot', async () => {
    const h = harness(1);
    void h.add('a', 'data', 'd1');
    const boom = new Error('sync boom');
    const throwing = h.scheduler
      .run('a', 'data', () => {
        throw boom;
      })
      .catch((error: unknown) => error);
    void h.add('a', 'data', 'd3');

    await h.finish('d1');
    expect(await throwing).toBe(boom);
    expect(h.started).toEqual(['d1', 'd3']);
    expect(h.scheduler.running).toEqual({ control: 0, data: 1 });
  });

  it('frees the slot when the very first task throws synchronously', async () => {
    const scheduler: Scheduler = createScheduler(1);
    await expect(
      scheduler.run('a', 'control', () => {
        throw new TypeError('bad');
      }),
    ).rejects.toThrow('bad');
    await flush();
    expect(scheduler.running).toEqual({ control: 0, data: 0 });
    await expect(scheduler.run('a', 'control', async () => 7)).resolves.toBe(7);
  });

  it('rejects with the task error and frees the slot when the promise rejects', async () => {
    const h = harness(1);
    const first = h.add('a', 'data', 'd1').catch((error: unknown) => error);
    void h.add('a', 'data', 'd2');
    await h.finish('d1', true);
    expect(await first).toMatchObject({ message: 'd1 failed' });
    expect(h.started).toEqual(['d1', 'd2']);
  });
});

describe('setConcurrency', () => {
  it('raises the limit and starts queued work at once', async () => {
    const h = harness(1);
    for (const g of ['a', 'b', 'c', 'd']) void h.add(g, 'data', g);
    expect(h.started).toEqual(['a']);
    h.scheduler.setConcurrency(3);
    expect(h.started).toEqual(['a', 'b', 'c']);
    expect(h.scheduler.running).toEqual({ control: 0, data: 3 });
    expect(h.scheduler.queued).toBe(1);
  });

  it('lowering the limit never interrupts running tasks, and holds new ones back', async () => {
    const h = harness(3);
    for (const g of ['a', 'b', 'c', 'd']) void h.add(g, 'data', g);
    expect(h.started).toEqual(['a', 'b', 'c']);
    h.scheduler.setConcurrency(1);
    expect(h.scheduler.running).toEqual({ control: 0, data: 3 });
    await h.finish('a');
    await h.finish('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.finish('c');
    expect(h.started).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects limit %s with RangeError', (limit) => {
    expect(() => createScheduler(limit)).toThrow(RangeError);
    const scheduler = createScheduler(2);
    expect(() => scheduler.setConcurrency(limit)).toThrow(RangeError);
  });

  it('keeps the old limit after an invalid setConcurrency', () => {
    const h = harness(2);
    expect(() => h.scheduler.setConcurrency(0)).toThrow(RangeError);
    for (const g of ['a', 'b', 'c']) void h.add(g, 'data', g);
    expect(h.started).toEqual(['a', 'b']);
  });
});

describe('round-robin after a group drains', () => {
  it('puts a group that ran out of tasks behind the groups that queued meanwhile', async () => {
    const h = harness(1);
    void h.add('A', 'data', 'a1'); // takes the one data slot; A has nothing left queued
    void h.add('B', 'data', 'b1');
    void h.add('A', 'data', 'a2');
    await h.finish('a1');
    expect(h.started).toEqual(['a1', 'b1']);
  });
});

describe('createScheduler limits', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses %s slots, naming the value', (limit) => {
    expect(() => createScheduler(limit)).toThrow(
      new RangeError(`concurrency must be a positive integer, got ${limit}`),
    );
    expect(() => createScheduler(2, limit)).toThrow(RangeError);
  });
});
