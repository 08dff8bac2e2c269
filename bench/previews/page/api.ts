/** What the previews bench page measures (bench/previews/page/main.tsx). */
export type Variant =
  | 'none'
  | 'img'
  | 'canvas'
  | 'list-all'
  | 'uploader'
  // Experiments (page/experiments.tsx), not shipped: the same decode in a worker, or with a
  // cheaper resize.
  | 'canvas-worker'
  | 'canvas-low';

export interface PageResult {
  variant: Variant;
  /** Rows in the list at the end. */
  files: number;
  /** Thumbnails (img or canvas) mounted at the end: all of them, or the default list's window. */
  thumbnailsMounted: number;
  /** From the files' change event until every mounted thumbnail is drawn (loaded, for <img>). */
  drawnMs: number;
  longestTaskMs: number;
  /** Sum of the long tasks (> 50 ms) in that time. */
  longTaskMs: number;
  longTasks: Array<{ atMs: number; ms: number }>;
  /** performance.memory, coarse without --enable-precise-memory-info. */
  heapGrowthMiB: number;
}
