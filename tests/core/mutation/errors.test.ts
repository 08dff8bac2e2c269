import { describe, expect, it } from 'vitest';
import {
  UploadError,
  abortedError,
  isUploadError,
  toUploadError,
  unrequestedAbort,
} from '../../../src/core/errors';

describe('UploadError', () => {
  it('counts every validation code as validation, and transport codes not', () => {
    for (const code of [
      'file-too-large',
      'file-too-small',
      'file-type-not-allowed',
      'too-many-files',
    ] as const) {
      expect(new UploadError(code, 'x').isValidation).toBe(true);
    }
    expect(new UploadError('network', 'x').isValidation).toBe(false);
  });

  it('has no cause unless one was given', () => {
    expect('cause' in new UploadError('network', 'x')).toBe(false);
    expect(new UploadError('network', 'x', { cause: 'body' }).cause).toBe('body');
  });
});

describe('isUploadError', () => {
  it('accepts an UploadError from another copy of the module by its shape', () => {
    expect(isUploadError({ name: 'UploadError', code: 'network', message: 'x' })).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'UploadError'],
    ['another error name', { name: 'Error', code: 'network' }],
    ['a missing code', { name: 'UploadError' }],
    ['a numeric code', { name: 'UploadError', code: 503 }],
    ['a plain Error', new Error('x')],
  ])('refuses %s', (_label, value) => {
    expect(isUploadError(value)).toBe(false);
  });
});

describe('toUploadError', () => {
  it('keeps an UploadError as it is', () => {
    const error = new UploadError('missing-etag', 'x');
    expect(toUploadError(error)).toBe(error);
  });

  it('turns an AbortError into aborted, and other DOMExceptions into backend-error', () => {
    expect(toUploadError(new DOMException('x', 'AbortError'))).toMatchObject({
      code: 'aborted',
      message: 'The request was aborted.',
    });
    const other = toUploadError(new DOMException('denied', 'NotAllowedError'));
    expect(other.code).toBe('backend-error');
    expect(other.message).toContain('denied');
  });

  it('turns a TimeoutError into a timeout that keeps its cause', () => {
    const cause = new DOMException('signal timed out', 'TimeoutError');
    const error = toUploadError(cause);
    expect(error).toMatchObject({
      code: 'timeout',
      message: 'The request timed out. Check the connection and retry.',
    });
    expect(error.cause).toBe(cause);
  });

  it.each([
    'Failed to fetch',
    'NetworkError when attempting to fetch resource.',
    'Load failed',
    'fetch failed',
  ])('reads fetch TypeError %j as a network failure', (message) => {
    const cause = new TypeError(message);
    const error = toUploadError(cause);
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/^The network request failed\./);
    expect(error.cause).toBe(cause);
  });

  it('keeps other TypeErrors (bugs) and anything else as backend-error with their message', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'url')");
    expect(toUploadError(bug)).toMatchObject({ code: 'backend-error', message: bug.message, cause: bug });
    expect(toUploadError('quota')).toMatchObject({ code: 'backend-error', message: 'quota', cause: 'quota' });
  });
});

describe('unrequestedAbort', () => {
  it('turns an abort nobody asked for into a network error that keeps the abort as cause', () => {
    const aborted = abortedError();
    const error = unrequestedAbort(aborted);
    expect(error).toMatchObject({
      code: 'network',
      message: 'The request was interrupted before it finished; retrying.',
    });
    expect(error.cause).toBe(aborted);
  });

  it('returns other errors as they are', () => {
    const error = new UploadError('timeout', 'x');
    expect(unrequestedAbort(error)).toBe(error);
  });
});
