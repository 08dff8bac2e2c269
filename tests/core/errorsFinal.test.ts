import { expect, it } from 'vitest';
import { UploadError, type UploadErrorCode } from '../../src/core/errors';

// Whether Retry is offered (issue 12): only where sending the same file again can succeed.
it.each([
  ['backend-error', 400, true],
  ['backend-error', 405, true],
  ['backend-error', 422, true],
  ['backend-error', 413, true],
  ['backend-error', 415, true],
  // An upload the server no longer knows: a retry signs the file again.
  ['backend-error', 404, false],
  // The session may be renewed, then the same request succeeds.
  ['backend-error', 401, false],
  ['backend-error', 403, false],
  ['backend-error', 408, false],
  ['backend-error', 429, false],
  ['backend-error', 500, false],
  ['backend-error', 503, false],
  // Storage's 400s include RequestTimeout (a socket left idle), which a retry fixes.
  ['storage-rejected', 400, false],
  ['storage-rejected', 403, false],
  ['network', undefined, false],
  ['missing-etag', undefined, false],
  ['file-too-large', undefined, true],
] as const)('%s %s: final %s', (code, status, final) => {
  const error = new UploadError(code as UploadErrorCode, 'x', status === undefined ? {} : { status });
  expect(error.isFinal).toBe(final);
});

it('is not final for invalid-part, a 400 that a retry mends by listing the parts', () => {
  expect(new UploadError('backend-error', 'x', { status: 400, serverCode: 'invalid-part' }).isFinal).toBe(
    false,
  );
});

it('is final for the server codes of bytes that failed verification, whatever the status', () => {
  for (const serverCode of ['content-mismatch', 'size-mismatch', 'protocol-too-old', 'protocol-too-new']) {
    expect(new UploadError('backend-error', 'x', { status: 409, serverCode }).isFinal).toBe(true);
  }
});
