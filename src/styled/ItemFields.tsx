import { useId } from 'react';
import type { UploadEngine } from '../core/createUploadEngine.js';
import type { UploadItem } from '../core/types.js';
import type { StyledMessages } from './messages.js';
import { useSlots } from './slots.js';

/**
 * A field asked for each file before it uploads (with `autoStart: false`): a title, a
 * description, alt text for images (what makes the uploaded images accessible later). Its value
 * is sent to the backend as `metadata[name]`.
 */
export interface UploadField {
  /** The metadata key the value is sent under. */
  name: string;
  /** The visible label ("Alt text"); the input's accessible name adds the file's name. */
  label: string;
  /** @default 'text' */
  type?: 'text' | 'textarea';
  /** "Upload N files" starts nothing while a file's required field is empty. @default false */
  required?: boolean;
  /** Asked only for the files this accepts, e.g. `(item) => item.type.startsWith('image/')`. @default every file */
  when?: (item: UploadItem) => boolean;
  /** upkit/server takes at most 2 KB of metadata per file. @default 500 */
  maxLength?: number;
}

/** The fields `item` is asked. */
export const fieldsFor = (fields: readonly UploadField[], item: UploadItem) =>
  fields.filter((field) => !field.when || field.when(item));

/** The required fields of `item` left empty. */
export const missingFields = (fields: readonly UploadField[], item: UploadItem) =>
  fieldsFor(fields, item).filter((field) => field.required && !item.metadata?.[field.name]?.trim());

/** A file's fields, each typed straight into its metadata (`setMetadata`). */
export function ItemFields({
  item,
  fields,
  uploader,
  messages,
  showMissing,
}: {
  item: UploadItem;
  fields: readonly UploadField[];
  uploader: UploadEngine;
  messages: StyledMessages;
  /** Marks empty required fields (after a start was refused for them). */
  showMissing: boolean;
}) {
  const { cx } = useSlots();
  const id = useId();
  const asked = fieldsFor(fields, item);
  if (asked.length === 0) return null;
  return (
    <div className={cx('fields')}>
      {asked.map((field, index) => {
        const inputId = `${id}${index}`;
        const value = item.metadata?.[field.name] ?? '';
        const missing = showMissing && field.required === true && !value.trim();
        const props = {
          id: inputId,
          name: field.name,
          value,
          required: field.required,
          maxLength: field.maxLength ?? 500,
          // "Alt text photo.png": ten rows' "Alt text" inputs are told apart, and the name still
          // starts with the visible label (WCAG 2.5.3).
          'aria-label': messages.actionLabel(field.label, item.name),
          'aria-invalid': missing || undefined,
          'aria-describedby': missing ? `${inputId}e` : undefined,
          onChange: (event: { currentTarget: { value: string } }) =>
            // Cleared: left out, not sent as an empty string.
            uploader.setMetadata(item.id, { [field.name]: event.currentTarget.value || undefined }),
        };
        return (
          <div key={field.name} className={cx('field')}>
            <label htmlFor={inputId}>{field.label}</label>
            {field.type === 'textarea' ? <textarea rows={2} {...props} /> : <input type="text" {...props} />}
            {missing && (
              <span id={`${inputId}e`} className={cx('error')}>
                {messages.fieldRequired(field.label)}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
