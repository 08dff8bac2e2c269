export interface Size {
  /** What loads up front: the entry and the chunks it imports statically. */
  minified: number;
  gzip: number;
  /** Chunks loaded on first use, each gzipped on its own. */
  lazyGzip: number;
}
export function measure(entry: string): Promise<Size>;
export function measureHooks(dist: string): Promise<Size>;
export function measureUploader(dist: string): Promise<Size>;
