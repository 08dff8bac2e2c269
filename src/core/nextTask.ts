/**
 * Resolves in a later task, after the tasks already queued (React's render of the last change):
 * a MessageChannel message, which browsers do not clamp. Callers check MessageChannel exists.
 */
export const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => (port1.close(), resolve());
    port2.postMessage(0);
  });
