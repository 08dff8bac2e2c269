/**
 * Resolves in a later task, after the tasks already queued (React's render of the last change):
 * a MessageChannel message, which browsers do not clamp and fake timers do not hold back.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}
