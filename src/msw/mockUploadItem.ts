import type { UploadItem } from '../core/types.js';

let nextId = 0;

/**
 * A fixed upload item for stories and tests that render a list without running an upload
 * ("a file at 42 % at 2.4 MB/s"). Unset fields take a queued file's values; `file` defaults to
 * an empty `File` with the given name and type, `size` to 0 (the file's bytes are not read).
 *
 * @example
 * <UploadList upload={{ items: [mockUploadItem({ name: 'a.png', status: 'done' })], uploader }} />
 */
export function mockUploadItem<TResult = unknown>(
  fields: Partial<UploadItem<TResult>> = {},
): UploadItem<TResult> {
  const name = fields.name ?? `file-${nextId + 1}.bin`;
  const type = fields.type ?? 'application/octet-stream';
  return {
    id: `mock-${nextId++}`,
    file: new File([], name, { type }),
    name,
    size: 0,
    type,
    mode: 'single',
    status: 'queued',
    bytesUploaded: 0,
    speed: 0,
    eta: undefined,
    key: undefined,
    result: undefined,
    error: undefined,
    metadata: undefined,
    ...fields,
  };
}
