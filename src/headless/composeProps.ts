import type { SyntheticEvent } from 'react';

type Handler<E> = ((event: E) => void) | undefined;

/**
 * Runs the caller's handler first, then ours unless the caller called `preventDefault()`: the
 * same contract as react-dropzone's prop getters, so apps can veto or extend behaviour.
 */
export function composeHandlers<E extends SyntheticEvent>(theirs: Handler<E>, ours: (event: E) => void) {
  return (event: E) => {
    theirs?.(event);
    if (!event.defaultPrevented) ours(event);
  };
}

/**
 * Merges our props with the caller's: their plain props win, handlers named in `ours` are
 * composed (theirs first), and `data-*`/ARIA defaults stay unless they override them.
 */
export function mergeProps<T extends Record<string, unknown>>(
  ours: T,
  theirs: Record<string, unknown> = {},
): T {
  const merged: Record<string, unknown> = { ...ours, ...theirs };
  for (const [name, handler] of Object.entries(ours)) {
    if (/^on[A-Z]/.test(name) && typeof handler === 'function' && typeof theirs[name] === 'function') {
      merged[name] = composeHandlers(
        theirs[name] as Handler<SyntheticEvent>,
        handler as (event: SyntheticEvent) => void,
      );
    }
  }
  return merged as T;
}
