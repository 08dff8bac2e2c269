import type { UploadEngine } from '../core/createUploadEngine.js';
import type { UploadError } from '../core/errors.js';
import { itemFraction } from '../core/selectors.js';
import type { UploadItem } from '../core/types.js';
import { canTransition } from '../core/uploadMachine.js';
import { mergeProps } from './composeProps.js';

/** What a user can do to one file. */
export type ItemAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';

/** Visible words of the headless parts; pass your own for another language. */
export interface UploadMessages {
  pause: string;
  resume: string;
  cancel: string;
  retry: string;
  remove: string;
  /** An action button's accessible name, from its label and the file's name ("Pause a.png"). */
  actionLabel: (label: string, name: string) => string;
  /** The progress bar's accessible name. */
  progressLabel: (name: string) => string;
  /** The progress bar's spoken value. */
  progressValue: (percent: number, item: UploadItem) => string;
  /**
   * What to show for a file's error. Switch on `error.code`; validation errors carry `limit` or
   * `accepted` for your own wording.
   */
  errorMessage: (error: UploadError, item: UploadItem) => string;
}

/** English defaults. */
export const defaultMessages: UploadMessages = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  actionLabel: (label, name) => `${label} ${name}`,
  progressLabel: (name) => `Upload progress of ${name}`,
  progressValue: (percent, item) => `${percent}%, ${item.status}`,
  errorMessage: (error) => error.message,
};

/** True when `action` does something for the file in its current status. */
export function canPerform(item: UploadItem, action: ItemAction): boolean {
  switch (action) {
    case 'remove':
      return true;
    case 'cancel':
      // A failed file's choices are Retry and Remove (which also aborts what is on storage):
      // Cancel would only relabel it.
      return item.status !== 'error' && canTransition(item.status, 'cancel');
    case 'retry':
      // Only what can succeed: a file refused for its size, type or content never will.
      return canTransition(item.status, 'retry') && !item.error?.isFinal;
    default:
      return canTransition(item.status, action);
  }
}

/** Props for a file's container: its status as `data-state`, busy while requests run. */
export function getItemProps(item: UploadItem, props?: Record<string, unknown>) {
  return mergeProps(
    {
      'data-state': item.status,
      'data-mode': item.mode,
      'aria-busy': item.status === 'signing' || item.status === 'uploading' || item.status === 'completing',
    },
    props,
  );
}

/** Props for a file's progress bar: `role="progressbar"` with values a screen reader speaks. */
export function getProgressProps(
  item: UploadItem,
  props?: Record<string, unknown>,
  messages: Pick<UploadMessages, 'progressLabel' | 'progressValue'> = defaultMessages,
) {
  const percent = Math.round(itemFraction(item) * 100);
  return mergeProps(
    {
      role: 'progressbar' as const,
      'aria-label': messages.progressLabel(item.name),
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': percent,
      'aria-valuetext': messages.progressValue(percent, item),
      'data-state': item.status,
      'data-value': percent,
    },
    props,
  );
}

/**
 * Props for an action button: an accessible name naming the file ("Pause photo.png"), the click
 * wired to the uploader, and `hidden` when the action does not apply to the file's status.
 */
export function getActionProps(
  uploader: UploadEngine,
  item: UploadItem,
  action: ItemAction,
  props?: Record<string, unknown>,
  messages: UploadMessages = defaultMessages,
) {
  const applies = canPerform(item, action);
  return mergeProps(
    {
      type: 'button' as const,
      'aria-label': messages.actionLabel(messages[action], item.name),
      'data-action': action,
      hidden: !applies,
      disabled: !applies,
      onClick: () => {
        if (action === 'cancel' || action === 'remove') void uploader[action](item.id);
        else uploader[action](item.id);
      },
    },
    props,
  );
}
