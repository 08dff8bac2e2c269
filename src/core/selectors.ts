import { isActive } from './uploadMachine.js';
import type { UploadItem } from './types.js';

/** The state the uploader's store holds. */
export interface UploaderState<TResult = unknown> {
  readonly items: readonly UploadItem<TResult>[];
  /**
   * True while uploads wait for the network to come back (the browser reports it offline):
   * their requests pause without spending retries, and go on by themselves once it is back.
   */
  readonly offline: boolean;
  /**
   * Uploads a reload, a crash or a closed tab interrupted, read by `loadResumable()` (the hooks
   * call it on mount). `restore(id)` resumes one; `discard(id)` aborts it.
   */
  readonly resumable: readonly ResumableUpload[];
  /**
   * Files `upload()` calls have still to add: a long list is added a slice a task, and a list
   * that will be long can window its rows from the first slice.
   */
  readonly adding: number;
}

/** An interrupted multipart upload that can be resumed, keeping the parts storage holds. */
export interface ResumableUpload {
  /** Pass to `restore` or `discard`. */
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly lastModified: number | undefined;
  /** Bytes of the parts storage accepted before the interruption. */
  readonly bytesUploaded: number;
  /** When the upload was opened (ms since the epoch). */
  readonly savedAt: number;
  /** When it will be aborted and forgotten if not resumed (ms since the epoch). */
  readonly expiresAt: number;
  /**
   * True when the file can be read again without the user picking it (a File System Access
   * handle was kept); they may be asked for permission once. False: ask them to pick it.
   */
  readonly canReopen: boolean;
}

/** Aggregate progress over every file that is or will be uploaded. */
export interface AggregateProgress {
  bytesUploaded: number;
  bytesTotal: number;
  /** 0 to 1; 0 when there is nothing to upload. */
  fraction: number;
  /** Bytes per second, summed over files uploading now. */
  speed: number;
  /** Seconds left at the current speed, or `undefined` while unknown. */
  eta: number | undefined;
}

/** The uploader as a whole. */
export type AggregateStatus = 'idle' | 'uploading' | 'paused' | 'error' | 'done';

/** A file the user meant to upload: not canceled, not refused before any request. */
export const counts = (item: UploadItem) =>
  item.status !== 'canceled' && !(item.status === 'error' && item.error?.isValidation);

/** Sums bytes and speed over the files that are or will be uploaded (not canceled or rejected). */
export function selectProgress(items: readonly UploadItem[]): AggregateProgress {
  let bytesUploaded = 0;
  let bytesTotal = 0;
  let speed = 0;
  for (const item of items) {
    if (!counts(item)) continue;
    bytesUploaded += item.bytesUploaded;
    bytesTotal += item.size;
    speed += item.speed;
  }
  const left = bytesTotal - bytesUploaded;
  return {
    bytesUploaded,
    bytesTotal,
    fraction: bytesTotal === 0 ? (items.some(counts) ? 1 : 0) : bytesUploaded / bytesTotal,
    speed,
    eta: left === 0 ? 0 : speed > 0 ? left / speed : undefined,
  };
}

/**
 * `uploading` while anything is queued or in flight; otherwise `paused` if anything is paused,
 * `error` if anything failed, `done` if anything finished, else `idle`.
 */
export function selectStatus(items: readonly UploadItem[]): AggregateStatus {
  let paused = false;
  let error = false;
  let done = false;
  for (const { status } of items) {
    if (status === 'queued' || isActive(status)) return 'uploading';
    if (status === 'paused') paused = true;
    else if (status === 'error') error = true;
    else if (status === 'done') done = true;
  }
  return paused ? 'paused' : error ? 'error' : done ? 'done' : 'idle';
}

/** Share of one file uploaded, 0 to 1. */
export function itemFraction(item: Pick<UploadItem, 'bytesUploaded' | 'size' | 'status'>): number {
  if (item.status === 'done') return 1;
  return item.size === 0 ? 0 : item.bytesUploaded / item.size;
}
