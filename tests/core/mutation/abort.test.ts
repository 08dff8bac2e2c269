import { expect, it, vi } from 'vitest';
import { onAbort } from '../../../src/core/abort';

it('calls the listener at once for a signal that has already aborted', () => {
  const controller = new AbortController();
  controller.abort();
  const listener = vi.fn();
  onAbort(controller.signal, listener);
  expect(listener).toHaveBeenCalledTimes(1);
});

it('calls the listener on abort, and not at all once removed', () => {
  const kept = new AbortController();
  const removed = new AbortController();
  const onKept = vi.fn();
  const onRemoved = vi.fn();
  onAbort(kept.signal, onKept);
  onAbort(removed.signal, onRemoved)();
  kept.abort();
  removed.abort();
  expect(onKept).toHaveBeenCalledTimes(1);
  expect(onRemoved).not.toHaveBeenCalled();
});
