import { abortedError } from './errors.js';

/**
 * Waiting for the network: while the browser says it is offline, `waitForNetwork` returns a
 * promise of the `online` event (rejected with `aborted` if `signal` aborts first), else
 * `undefined`. `onOffline(true)` is called when the first request starts waiting, `false` when
 * the last one stops.
 */
export function createNetworkWait(onOffline: (offline: boolean) => void) {
  let waiting = 0;
  return function waitForNetwork(signal: AbortSignal): Promise<void> | undefined {
    if (typeof navigator === 'undefined' || navigator.onLine !== false) return undefined;
    if (typeof addEventListener !== 'function') return undefined;
    if (waiting++ === 0) onOffline(true);
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        removeEventListener('online', back);
        signal.removeEventListener('abort', stop);
        if (--waiting === 0) onOffline(false);
      };
      const back = () => {
        done();
        resolve();
      };
      const stop = () => {
        done();
        reject(abortedError());
      };
      addEventListener('online', back);
      signal.addEventListener('abort', stop);
    });
  };
}
