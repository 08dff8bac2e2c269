// Imported first by main.ts, before React: a stand-in for React DevTools' global hook, whose
// `onCommitFiberRoot` React calls on every commit even in a production build (a `<Profiler>`'s
// `onRender` needs React's profiling build, which would change what is measured), and the
// long-task observer.

let commits = 0;
let longest = 0;
let longTasks = 0;

Object.assign(window, {
  __REACT_DEVTOOLS_GLOBAL_HOOK__: {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberRoot: () => {
      commits++;
    },
    onPostCommitFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
  },
});

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    longTasks++;
    longest = Math.max(longest, entry.duration);
  }
}).observe({ type: 'longtask' });

/** Starts counting commits and long tasks afresh. */
export function resetProbes(): void {
  commits = 0;
  longest = 0;
  longTasks = 0;
}

/** Commits and long tasks since the last reset; waits a moment for pending long-task entries. */
export async function readProbes(): Promise<{ commits: number; longestTaskMs: number; longTasks: number }> {
  const counted = commits;
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { commits: counted, longestTaskMs: longest, longTasks };
}
