import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../src/core/batcher';
import type { BatchOutcome } from '../../src/core/types';
import { deferred } from '../helpers/memoryStorage';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(maxBatch = 3, maxInFlight = 1) {
  const calls: Array<{ inputs: number[]; answer: ReturnType<typeof deferred<BatchOutcome<string>[]>> }> = [];
  const batcher = createBatcher<number, string>({
    maxBatch,
    maxInFlight,
    send: (inputs) => {
      const answer = deferred<BatchOutcome<string>[]>();
      calls.push({ inputs, answer });
      return answer.promise;
    },
  });
  const answerAll = (i: number) =>
    calls[i]!.answer.resolve(calls[i]!.inputs.map((n) => ({ ok: true, value: `#${n}` })));
  return { batcher, calls, answerAll };
}

const live = () => new AbortController().signal;

describe('createBatcher', () => {
  it('sends what is submitted in one turn as one call, up to maxBatch entries', async () => {
    const { batcher, calls, answerAll } = setup(3, 2);
    const answers = [1, 2, 3, 4].map((n) => batcher.submit(n, live()));
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1, 2, 3], [4]]);
    answerAll(0);
    answerAll(1);
    expect(await Promise.all(answers)).toEqual(['#1', '#2', '#3', '#4']);
  });

  it('gathers entries while maxInFlight calls are out, then sends them together', async () => {
    const { batcher, calls, answerAll } = setup(10, 1);
    const first = batcher.submit(1, live());
    await tick();
    const later = [2, 3, 4].map((n) => batcher.submit(n, live()));
    await tick();
    expect(calls).toHaveLength(1);
    answerAll(0);
    await first;
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3, 4]]);
    answerAll(1);
    expect(await Promise.all(later)).toEqual(['#2', '#3', '#4']);
  });

  it("gives each entry its own outcome: one entry's failure fails only that entry", async () => {
    const { batcher, calls } = setup();
    const a = batcher.submit(1, live());
    const b = batcher.submit(2, live());
    await tick();
    const refused = new Error('413');
    calls[0]!.answer.resolve([
      { ok: true, value: 'a' },
      { ok: false, error: refused },
    ]);
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toBe(refused);
  });

  it('fails every entry of a call that failed as a whole, and an entry a short answer left out', async () => {
    const { batcher, calls } = setup();
    const whole = [1, 2].map((n) => batcher.submit(n, live()));
    await tick();
    const down = new Error('503');
    calls[0]!.answer.reject(down);
    for (const answer of whole) await expect(answer).rejects.toBe(down);
    const short = [3, 4].map((n) => batcher.submit(n, live()));
    await tick();
    calls[1]!.answer.resolve([{ ok: true, value: 'c' }]);
    await expect(short[0]).resolves.toBe('c');
    await expect(short[1]).rejects.toThrow('too few results');
  });

  it('never sends an entry aborted while it waited, and rejects it as aborted', async () => {
    const { batcher, calls, answerAll } = setup(10, 1);
    void batcher.submit(1, live());
    await tick();
    const controller = new AbortController();
    const dropped = batcher.submit(2, controller.signal);
    const kept = batcher.submit(3, live());
    controller.abort();
    await expect(dropped).rejects.toMatchObject({ code: 'aborted' });
    answerAll(0);
    await tick();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [3]]);
    answerAll(1);
    await expect(kept).resolves.toBe('#3');
  });

  it('rejects an entry aborted after its call went out, and the others still get their answers', async () => {
    const { batcher, calls, answerAll } = setup();
    const controller = new AbortController();
    const aborted = batcher.submit(1, controller.signal);
    const other = batcher.submit(2, live());
    await tick();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    answerAll(0);
    await expect(other).resolves.toBe('#2');
    expect(calls).toHaveLength(1);
  });

  it('rejects at once an entry whose signal had already aborted', async () => {
    const { batcher, calls } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(batcher.submit(1, controller.signal)).rejects.toMatchObject({ code: 'aborted' });
    await tick();
    expect(calls).toHaveLength(0);
  });
});
