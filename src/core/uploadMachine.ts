import type { UploadError } from './errors.js';
import type { UploadItem, UploadStatus } from './types.js';

/** Everything that can happen to one file. The reducer below is the only way status changes. */
export type UploadAction<TResult = unknown> =
  | { type: 'sign' }
  | { type: 'start' }
  | { type: 'progress'; bytesUploaded: number; speed: number; eta: number | undefined }
  | { type: 'key'; key: string }
  | { type: 'complete' }
  | { type: 'succeed'; result: TResult }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'fail'; error: UploadError }
  | { type: 'retry' }
  | { type: 'cancel' }
  | { type: 'metadata'; metadata: Record<string, string> | undefined };

type ActionType = UploadAction['type'];

// Which statuses each action may leave from, and where it goes. Anything not listed is illegal
// and ignored: a late progress event after cancel, a double complete, a retry of a done file.
const TRANSITIONS: Record<ActionType, { from: readonly UploadStatus[]; to: UploadStatus | null }> = {
  // uploading -> signing: a URL expired mid-upload and is being re-signed. completing ->
  // signing: the server refused the upload's token at complete, and a new upload starts.
  sign: { from: ['queued', 'uploading', 'completing'], to: 'signing' },
  start: { from: ['signing'], to: 'uploading' },
  // null: the action updates data but keeps the status.
  progress: { from: ['signing', 'uploading'], to: null },
  key: { from: ['signing', 'uploading'], to: null },
  complete: { from: ['uploading'], to: 'completing' },
  succeed: { from: ['completing'], to: 'done' },
  // completing is not pausable: the bytes are all there and the call is short.
  pause: { from: ['queued', 'signing', 'uploading'], to: 'paused' },
  resume: { from: ['paused'], to: 'queued' },
  fail: { from: ['queued', 'signing', 'uploading', 'completing'], to: 'error' },
  retry: { from: ['error'], to: 'queued' },
  // completing is not cancelable either: the bytes are in storage, and interrupting the call
  // would orphan the object without the server's check. It finishes or fails.
  cancel: { from: ['queued', 'signing', 'uploading', 'paused', 'error'], to: 'canceled' },
  // Before the first request only (the engine also checks nothing was signed yet): what the
  // backend was told cannot change afterwards.
  metadata: { from: ['queued', 'paused'], to: null },
};

/** True when `action` is legal from `status`. */
export function canTransition(status: UploadStatus, type: ActionType): boolean {
  return TRANSITIONS[type].from.includes(status);
}

/**
 * The per-file reducer. Returns the same object for an illegal action, so callers can tell
 * "nothing happened" by identity.
 */
export function uploadReducer<TResult>(
  item: UploadItem<TResult>,
  action: UploadAction<TResult>,
): UploadItem<TResult> {
  if (!canTransition(item.status, action.type)) return item;
  const to = TRANSITIONS[action.type].to ?? item.status;
  const idle = { speed: 0, eta: undefined } as const;
  switch (action.type) {
    case 'progress':
      return { ...item, bytesUploaded: action.bytesUploaded, speed: action.speed, eta: action.eta };
    case 'key':
      return { ...item, key: action.key };
    case 'metadata':
      return { ...item, metadata: action.metadata };
    case 'succeed':
      return { ...item, ...idle, status: to, bytesUploaded: item.size, result: action.result };
    case 'fail':
      return { ...item, ...idle, status: to, error: action.error };
    case 'retry':
      return { ...item, status: to, error: undefined };
    case 'sign':
    case 'start':
      return { ...item, status: to };
    case 'complete':
    case 'pause':
    case 'resume':
    case 'cancel':
      return { ...item, ...idle, status: to };
  }
}

/** Statuses from which nothing more will happen without a user action. */
export function isSettled(status: UploadStatus): boolean {
  return status === 'done' || status === 'error' || status === 'canceled';
}

/** Statuses in which requests may be in flight. */
export function isActive(status: UploadStatus): boolean {
  return status === 'signing' || status === 'uploading' || status === 'completing';
}

/** Every action type, for exhaustive tests. */
export const UPLOAD_ACTION_TYPES = Object.keys(TRANSITIONS) as ActionType[];
