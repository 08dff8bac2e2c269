/**
 * A ResizeObserver for jsdom, which has no layout: every observed element reports a 300 x 200
 * box, so virtua windows the rows as in a browser. `vi.stubGlobal('ResizeObserver', ViewportObserver)`.
 */
export class ViewportObserver {
  constructor(private callback: ResizeObserverCallback) {}
  observe(target: Element) {
    const entry = { target, contentRect: { width: 300, height: 200 } } as unknown as ResizeObserverEntry;
    queueMicrotask(() => this.callback([entry], this as unknown as ResizeObserver));
  }
  unobserve() {}
  disconnect() {}
}
