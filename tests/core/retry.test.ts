import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UploadError, type UploadErrorCode } from '../../src/core/errors';
import {
  DEFAULT_RETRY,
  backoffDelay,
  classifyError,
  isNetworkFailure,
  isRetryableStatus,
  parseRetryAfter,
  retriedAlready,
  sleep,
  withRetry,
  type ResolvedRetryOptions,
} from '../../src/core/retry';

describe('backoffDelay (full jitter)', () => {
  const options: ResolvedRetryOptions = { ...DEFAULT_RETRY, baseDelayMs: 500, maxDelayMs: 30_000 };

  it.each([0, 1, 2, 5, 10, 60])('random 0 -> 0 at attempt %d', (attempt) => {
    expect(backoffDelay(attempt, options, () => 0)).toBe(0);
  });

  it.each([
    [0, 499],
    [1, 999],
    [2, 1998],
    [3, 3996],
    [5, 15_984],
  ])('random 0.999 at attempt %d -> %d, just under base * 2^n', (attempt, expected) => {
    expect(backoffDelay(attempt, options, () => 0.999)).toBe(expected);
    expect(expected).toBeLessThan(500 * 2 ** attempt);
  });

  it('stays strictly below the ceiling for the largest random value', () => {
    const almostOne = 1 - Number.EPSILON;
    expect(backoffDelay(0, options, () => almostOne)).toBe(499);
    expect(backoffDelay(6, options, () => almostOne)).toBe(29_999);
  });

  it.each([6, 7, 20, 100, 1000])('respects the 30 s cap at attempt %d', (attempt) => {
    // 500 * 2^6 = 32,000 > 30,000: the cap wins from attempt 6 on.
    expect(backoffDelay(attempt, options, () => 0.999)).toBe(29_970);
    expect(backoffDelay(attempt, options, () => 0.5)).toBe(15_000);
  });

  it('uses the injected random', () => {
    const random = vi.fn(() => 0.25);
    expect(backoffDelay(2, options, random)).toBe(500);
    expect(random).toHaveBeenCalledTimes(1);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('parses delta-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('parses an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 08:28:00 GMT', now)).toBe(3_600_000);
  });

  it('clamps an HTTP-date in the past to 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it.each(['garbage', 'soon', '5s', '12 monkeys', 'abc123'])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it.each([[''], ['   '], [null], [undefined]])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  // Regression: V8's lenient Date.parse reads '1.5' as 5 Jan 2001, which came back as 0 ms.
  it('returns undefined for malformed numbers like "1.5" and "-1"', () => {
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('classifyError', () => {
  it.each([408, 429, 500, 502, 503, 504])('storage-rejected %d -> retry', (status) => {
    expect(classifyError(new UploadError('storage-rejected', 'x', { status }))).toBe('retry');
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 412, 413])('storage-rejected %d -> fatal', (status) => {
    expect(classifyError(new UploadError('storage-rejected', 'x', { status }))).toBe('fatal');
    expect(isRetryableStatus(status)).toBe(false);
  });

  it.each([
    [503, 'retry'],
    [429, 'retry'],
    [408, 'retry'],
    [401, 'fatal'],
    [404, 'fatal'],
  ] as const)('backend-error %d -> %s', (status, decision) => {
    expect(classifyError(new UploadError('backend-error', 'x', { status }))).toBe(decision);
  });

  it('treats storage-rejected and backend-error without a status as fatal', () => {
    expect(classifyError(new UploadError('storage-rejected', 'x'))).toBe('fatal');
    expect(classifyError(new UploadError('backend-error', 'x'))).toBe('fatal');
  });

  it.each([
    ['network', 'retry'],
    ['timeout', 'retry'],
    ['stalled', 'retry'],
    ['url-expired', 'resign'],
    ['missing-etag', 'fatal'],
    ['invalid-response', 'fatal'],
    ['aborted', 'fatal'],
    ['file-too-large', 'fatal'],
    ['file-too-small', 'fatal'],
    ['file-type-not-allowed', 'fatal'],
    ['too-many-files', 'fatal'],
  ] as const satisfies readonly (readonly [UploadErrorCode, string])[])('%s -> %s', (code, decision) => {
    expect(classifyError(new UploadError(code, 'x'))).toBe(decision);
  });

  it('ignores the status for codes that are always retried or always fatal', () => {
    expect(classifyError(new UploadError('network', 'x', { status: 400 }))).toBe('retry');
    expect(classifyError(new UploadError('file-too-large', 'x', { status: 503 }))).toBe('fatal');
  });
});

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects immediately with aborted when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const promise = sleep(1000, controller.signal);
    expect(vi.getTimerCount()).toBe(0);
    await expect(promise).rejects.toMatchObject({ name: 'UploadError', code: 'aborted' });
  });

  it('resolves after the given time, not before', async () => {
    let resolved = false;
    void sleep(100, new AbortController().signal).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(true);
  });

  it('rejects with aborted and clears its timer when aborted while sleeping', async () => {
    const controller = new AbortController();
    const outcome = sleep(1000, controller.signal).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await outcome).toMatchObject({ code: 'aborted' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withRetry', () => {
  const retry: ResolvedRetryOptions = {
    retries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxRetryAfterMs: 5000,
  };

  let start = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    start = Date.now();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** An attempt function that fails with `errors[n]` on call n and then succeeds; logs call times. */
  function failing(errors: readonly UploadError[], value = 'ok') {
    const times: number[] = [];
    const attempt = vi.fn(async (n: number) => {
      times.push(Date.now() - start);
      const error = errors[n];
      if (error) throw error;
      return value;
    });
    return { attempt, times };
  }

  /** Returns the settled outcome of a promise without leaving a rejection unhandled. */
  function settle<T>(promise: Promise<T>) {
    return promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  const network = () => new UploadError('network', 'net down');
  const expired = () => new UploadError('url-expired', 'expired', { status: 403 });

  it('succeeds after N failures with delays drawn from the injected random', async () => {
    const randoms = [0.25, 0.75, 0.5];
    const random = vi.fn(() => randoms.shift()!);
    const { attempt, times } = failing([network(), network(), network()]);
    const outcome = settle(withRetry(attempt, { retry, signal: new AbortController().signal, random }));

    await vi.runAllTimersAsync();

    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    expect(attempt.mock.calls.map(([n]) => n)).toEqual([0, 1, 2, 3]);
    // Delays: floor(0.25*100)=25, floor(0.75*200)=150, floor(0.5*400)=200.
    expect(times).toEqual([0, 25, 175, 375]);
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('waits exactly the backoff delay before the next attempt', async () => {
    const { attempt } = failing([network()]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, random: () => 0.5 }),
    );
    await vi.advanceTimersByTimeAsync(49);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
  });

  it('stops after `retries` retries and rejects with the last error', async () => {
    const errors = [network(), network(), network(), new UploadError('timeout', 'last')];
    const { attempt } = failing([...errors, network()]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, random: () => 0 }),
    );
    await vi.runAllTimersAsync();
    const result = await outcome;
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(result).toEqual({ ok: false, error: errors[3] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not retry a fatal error', async () => {
    const fatal = new UploadError('storage-rejected', 'forbidden', { status: 403 });
    const { attempt } = failing([fatal]);
    const outcome = settle(withRetry(attempt, { retry, signal: new AbortController().signal }));
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: false, error: fatal });
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('makes no retry at all when retries is 0', async () => {
    const first = network();
    const { attempt } = failing([first]);
    const outcome = settle(
      withRetry(attempt, { retry: { ...retry, retries: 0 }, signal: new AbortController().signal }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: false, error: first });
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('honours retryAfterMs as a minimum delay', async () => {
    const slowDown = new UploadError('storage-rejected', 'SlowDown', { status: 503, retryAfterMs: 2000 });
    const { attempt, times } = failing([slowDown]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, random: () => 0.5 }),
    );
    await vi.advanceTimersByTimeAsync(1999);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    expect(times).toEqual([0, 2000]);
  });

  it('uses the backoff when it is longer than retryAfterMs', async () => {
    const busy = new UploadError('storage-rejected', 'busy', { status: 429, retryAfterMs: 10 });
    const { attempt, times } = failing([busy]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, random: () => 0.9 }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    expect(times).toEqual([0, 90]);
  });

  it('accepts retryAfterMs equal to maxRetryAfterMs', async () => {
    const wait = new UploadError('storage-rejected', 'wait', { status: 503, retryAfterMs: 5000 });
    const { attempt, times } = failing([wait]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, random: () => 0 }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    expect(times).toEqual([0, 5000]);
  });

  it('rejects without waiting when retryAfterMs exceeds maxRetryAfterMs', async () => {
    const tooLong = new UploadError('storage-rejected', 'wait', { status: 503, retryAfterMs: 5001 });
    const { attempt } = failing([tooLong]);
    const outcome = settle(withRetry(attempt, { retry, signal: new AbortController().signal }));
    await vi.advanceTimersByTimeAsync(0);
    expect(await outcome).toEqual({ ok: false, error: tooLong });
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-signs immediately the first time, calling onResign with the error', async () => {
    const error = expired();
    const onResign = vi.fn();
    const { attempt, times } = failing([error]);
    // random 0.99 would make any backoff >= 99 ms, so "immediate" is observable.
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, onResign, random: () => 0.99 }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(onResign).toHaveBeenCalledTimes(1);
    expect(onResign).toHaveBeenCalledWith(error);
    expect(times).toEqual([0, 0]);
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
  });

  it('backs off on a repeated re-sign', async () => {
    const onResign = vi.fn();
    const { attempt, times } = failing([expired(), expired()]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, onResign, random: () => 0.99 }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    // Second re-sign waits backoffDelay(0) = floor(0.99 * 100) = 99.
    expect(times).toEqual([0, 0, 99]);
    expect(onResign).toHaveBeenCalledTimes(2);
  });

  it('counts re-signs as attempts, so always-expired URLs give up', async () => {
    const errors = [expired(), expired(), expired(), expired()];
    const onResign = vi.fn();
    const { attempt } = failing([...errors, expired()]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, onResign, random: () => 0 }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: false, error: errors[3] });
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(onResign).toHaveBeenCalledTimes(3);
  });

  // Regression: the first re-sign used to wait whenever it was not the first attempt.
  it('re-signs immediately the first time even after an earlier network retry', async () => {
    const onResign = vi.fn();
    const { attempt, times } = failing([network(), expired()]);
    const outcome = settle(
      withRetry(attempt, { retry, signal: new AbortController().signal, onResign, random: () => 0.99 }),
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual({ ok: true, value: 'ok' });
    // Network retry waits floor(0.99*100) = 99; the first re-sign should then be immediate.
    expect(times).toEqual([0, 99, 99]);
  });

  it('rejects with aborted when aborted during the backoff sleep, and makes no further attempt', async () => {
    const controller = new AbortController();
    const { attempt } = failing([network(), network()]);
    const outcome = settle(withRetry(attempt, { retry, signal: controller.signal, random: () => 0.5 }));
    await vi.advanceTimersByTimeAsync(10);
    expect(attempt).toHaveBeenCalledTimes(1);
    controller.abort();
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error).toMatchObject({ name: 'UploadError', code: 'aborted' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a failure while the signal is aborted into aborted, without retrying', async () => {
    const controller = new AbortController();
    const attempt = vi.fn(async () => {
      controller.abort();
      throw new UploadError('network', 'reset');
    });
    const outcome = settle(withRetry(attempt, { retry, signal: controller.signal }));
    await vi.runAllTimersAsync();
    const result = await outcome;
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'aborted' });
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('retries an abort it did not ask for as a network failure', async () => {
    const attempt = vi.fn(async () => {
      throw new UploadError('aborted', 'gone');
    });
    const outcome = settle(withRetry(attempt, { retry, signal: new AbortController().signal }));
    await vi.runAllTimersAsync();
    const result = await outcome;
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'network' });
    expect(attempt).toHaveBeenCalledTimes(1 + retry.retries);
  });
});

describe('retry defaults and edge cases', () => {
  it('documents its defaults: 5 retries, 500 ms base, 30 s cap, 120 s longest Retry-After', () => {
    expect(DEFAULT_RETRY).toEqual({
      retries: 5,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 120_000,
    });
  });

  it.each([
    ['network', true],
    ['timeout', true],
    ['stalled', true],
    ['url-expired', false],
    ['storage-rejected', false],
  ] as const)('isNetworkFailure(%s) is %s', (code, expected) => {
    expect(isNetworkFailure(new UploadError(code, 'x'))).toBe(expected);
  });

  it('reads only HTTP dates that start with a day name', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('21 Oct 2015 07:28:30 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('W, 21 Oct 2015 07:28:30 GMT', now)).toBeUndefined();
  });

  it('rejects with aborted when the signal aborted during the attempt, whatever it failed with', async () => {
    const controller = new AbortController();
    const attempt = vi.fn(async () => {
      controller.abort();
      throw new UploadError('storage-rejected', 'forbidden', { status: 403 });
    });
    await expect(
      withRetry(attempt, { retry: DEFAULT_RETRY, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it('re-signs an expired URL without an onResign callback', async () => {
    let calls = 0;
    const attempt = async () => {
      if (calls++ === 0) throw new UploadError('url-expired', 'expired', { status: 403 });
      return 'ok';
    };
    await expect(
      withRetry(attempt, { retry: DEFAULT_RETRY, signal: new AbortController().signal }),
    ).resolves.toBe('ok');
  });

  it('does not count waits for the network as retries', async () => {
    // Two offline waits, then one real failure: with one retry allowed, the upload still succeeds.
    const errors = [
      new UploadError('network', 'offline'),
      new UploadError('network', 'offline'),
      new UploadError('storage-rejected', 'busy', { status: 503 }),
    ];
    const attempt = vi.fn(async (_n: number) => {
      const error = errors.shift();
      if (error) throw error;
      return 'ok';
    });
    let waits = 2;
    const waitForNetwork = () => (waits-- > 0 ? Promise.resolve() : undefined);
    const retry = { ...DEFAULT_RETRY, retries: 1 };
    const signal = new AbortController().signal;
    await expect(withRetry(attempt, { retry, signal, waitForNetwork, random: () => 0 })).resolves.toBe('ok');
    expect(attempt.mock.calls.map(([n]) => n)).toEqual([0, 0, 0, 1]);
  });
});

describe('errors an inner loop already retried', () => {
  it('are passed on by an enclosing loop without retrying them again', async () => {
    let attempts = 0;
    const failing = () => {
      attempts++;
      return Promise.reject(retriedAlready(new UploadError('backend-error', 'busy', { status: 503 })));
    };
    await expect(
      withRetry(failing, {
        retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 },
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(1);
  });
});
