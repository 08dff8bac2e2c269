// What the bench page exposes on `window.bench`, shared by the page and bench/browser/run.ts.

/** `uploader` is upkit's styled `<Uploader>`, fed through its own file input. */
export type Contender = 'raw' | 'uppy' | 'upkit' | 'uploader';

export interface RunConfig {
  contender: Contender;
  /** Base URL of the sink's app endpoints (cross-origin to the page). */
  appUrl: string;
  /** Files of at least this many bytes go multipart, in every contender. */
  threshold: number;
  partSize: number;
  /** Requests (raw, upkit) or files (Uppy) in flight at once. */
  concurrency: number;
  /** upkit's `checksum` option (SHA-256 of every file / part); the others never hash. */
  checksum: boolean;
  /** `generated`: the files `makeFiles` made; `input`: those set on the page's `#files` input. */
  source: 'generated' | 'input';
  /** How many files the run waits for (the `<Uploader>` contender takes them from its own input). */
  expectedFiles: number;
}

export interface RunResult {
  ms: number;
  done: number;
  failed: number;
  longestTaskMs: number;
  longTasks: number;
  /** React commits while the run lasted (React DevTools' commit hook; production build). */
  commits: number;
  /** upkit only: notifications of the engine's zustand store. */
  storeUpdates?: number;
}

export interface BenchApi {
  /** Makes `count` files of `size` bytes in the page; returns their total size. */
  makeFiles(count: number, size: number): number;
  /** Creates or mounts the contender, outside the timed part. */
  prepare(config: RunConfig): Promise<void>;
  /** Uploads the files and resolves when every one of them has settled. */
  run(): Promise<RunResult>;
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}
