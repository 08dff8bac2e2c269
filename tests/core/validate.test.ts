import { describe, expect, it } from 'vitest';
import { UploadError } from '../../src/core/errors';
import {
  formatSizePair,
  matchesAccept,
  parseAccept,
  validateFile,
  type ValidationOptions,
} from '../../src/core/validate';

const MiB = 1024 * 1024;

const file = (name: string, type: string, size = 100) => ({ name, type, size });

function accepts(accept: ValidationOptions['accept'], name: string, type: string): boolean {
  return validateFile(file(name, type), { accept }, 0) === undefined;
}

describe('parseAccept', () => {
  it('splits a comma string, trims and lower-cases tokens, and drops empty ones', () => {
    expect(parseAccept(' Image/PNG, .PDF ,, image/* ,')).toEqual(['image/png', '.pdf', 'image/*']);
  });

  it('normalises an array the same way', () => {
    expect(parseAccept(['.JPG', ' text/Plain ', ''])).toEqual(['.jpg', 'text/plain']);
  });

  it('returns [] for undefined', () => {
    expect(parseAccept(undefined)).toEqual([]);
  });
});

describe('accept', () => {
  it('matches an exact MIME type', () => {
    expect(accepts(['image/png'], 'a.png', 'image/png')).toBe(true);
    expect(accepts(['image/png'], 'a.jpg', 'image/jpeg')).toBe(false);
  });

  it('matches a wildcard MIME type by its top-level type only', () => {
    expect(accepts('image/*', 'a.jpg', 'image/jpeg')).toBe(true);
    expect(accepts('image/*', 'a.webp', 'image/webp')).toBe(true);
    expect(accepts('image/*', 'a.mp4', 'video/mp4')).toBe(false);
    expect(accepts('image/*', 'noext', '')).toBe(false);
  });

  it('does not let a wildcard match a type that merely shares a prefix', () => {
    expect(matchesAccept('a', 'imagex/png', ['image/*'])).toBe(false);
  });

  it('matches an extension against the file name regardless of type', () => {
    expect(accepts('.pdf', 'report.pdf', '')).toBe(true);
    expect(accepts('.pdf', 'report.pdf', 'application/octet-stream')).toBe(true);
    expect(accepts('.pdf', 'report.pdf.exe', 'application/pdf')).toBe(false);
    expect(accepts('.tar.gz', 'backup.tar.gz', 'application/gzip')).toBe(true);
  });

  it('is case-insensitive for names, types and tokens', () => {
    expect(accepts('.JPG', 'photo.jpg', 'image/jpeg')).toBe(true);
    expect(accepts('.jpg', 'PHOTO.JPG', 'image/jpeg')).toBe(true);
    expect(accepts('IMAGE/PNG', 'a.png', 'image/png')).toBe(true);
    expect(accepts('image/png', 'a.png', 'Image/PNG')).toBe(true);
    expect(accepts('Image/*', 'a.gif', 'IMAGE/GIF')).toBe(true);
  });

  it('accepts any of the tokens in a comma-separated string', () => {
    const accept = 'image/png, .pdf,text/*';
    expect(accepts(accept, 'a.png', 'image/png')).toBe(true);
    expect(accepts(accept, 'b.pdf', '')).toBe(true);
    expect(accepts(accept, 'c.csv', 'text/csv')).toBe(true);
    expect(accepts(accept, 'd.zip', 'application/zip')).toBe(false);
  });

  it('ignores MIME parameters on the file type', () => {
    expect(accepts('text/plain', 'notes.txt', 'text/plain; charset=utf-8')).toBe(true);
    expect(accepts('text/plain', 'notes.txt', 'text/plain;charset=UTF-8')).toBe(true);
    expect(accepts('text/*', 'notes.txt', 'text/plain; charset=utf-8')).toBe(true);
    expect(accepts('text/html', 'notes.txt', 'text/plain; charset=utf-8')).toBe(false);
  });

  it('treats * and */* as "anything"', () => {
    expect(accepts('*', 'x.bin', '')).toBe(true);
    expect(accepts('*/*', 'x.bin', 'application/octet-stream')).toBe(true);
  });

  it('accepts everything when accept is empty', () => {
    expect(accepts('', 'x.bin', '')).toBe(true);
    expect(accepts([], 'x.bin', '')).toBe(true);
  });

  it('names the file, its type and the accepted tokens when refusing', () => {
    const error = validateFile(file('clip.mp4', 'video/mp4'), { accept: 'image/*, .PDF' }, 0);
    expect(error).toBeInstanceOf(UploadError);
    expect(error?.code).toBe('file-type-not-allowed');
    expect(error?.isValidation).toBe(true);
    expect(error?.message).toBe('"clip.mp4" (video/mp4) is not an accepted type. Accepted: image/*, .pdf.');
  });

  it('says "unknown type" when the browser gave none', () => {
    const error = validateFile(file('blob', ''), { accept: '.png' }, 0);
    expect(error?.message).toContain('"blob" (unknown type)');
  });
});

describe('size and count limits', () => {
  it('refuses a file over maxFileSize, naming the file, its size and the limit', () => {
    const error = validateFile(file('movie.mov', 'video/quicktime', 12 * MiB), { maxFileSize: 10 * MiB }, 0);
    expect(error?.code).toBe('file-too-large');
    expect(error?.message).toBe('"movie.mov" is 12.6 MB; the limit is 10.5 MB. Choose a smaller file.');
  });

  it('accepts a file exactly at maxFileSize', () => {
    expect(validateFile(file('a', '', 10 * MiB), { maxFileSize: 10 * MiB }, 0)).toBeUndefined();
    expect(validateFile(file('a', '', 10 * MiB + 1), { maxFileSize: 10 * MiB }, 0)?.code).toBe(
      'file-too-large',
    );
  });

  it('formats small limits in bytes', () => {
    const error = validateFile(file('tiny.txt', 'text/plain', 600), { maxFileSize: 500 }, 0);
    expect(error?.message).toBe('"tiny.txt" is 600 B; the limit is 500 B. Choose a smaller file.');
  });

  it('refuses a file under minFileSize, naming the file and the minimum', () => {
    const error = validateFile(file('stub.bin', '', 512), { minFileSize: 1024 }, 0);
    expect(error?.code).toBe('file-too-small');
    expect(error?.message).toBe('"stub.bin" is 512 B; files must be at least 1.0 kB.');
  });

  it('says an empty file is empty when minFileSize is 1', () => {
    const error = validateFile(file('empty.txt', 'text/plain', 0), { minFileSize: 1 }, 0);
    expect(error?.code).toBe('file-too-small');
    expect(error?.message).toBe('"empty.txt" is empty. Choose a file with content.');
    expect(validateFile(file('one.txt', 'text/plain', 1), { minFileSize: 1 }, 0)).toBeUndefined();
  });

  it('refuses a file once the list holds maxFiles, naming the file and the limit', () => {
    const error = validateFile(file('fourth.png', 'image/png'), { maxFiles: 3 }, 3);
    expect(error?.code).toBe('too-many-files');
    expect(error?.message).toBe(
      '"fourth.png" was not added: at most 3 files can be uploaded at once. Remove a file and try again.',
    );
    expect(validateFile(file('third.png', 'image/png'), { maxFiles: 3 }, 2)).toBeUndefined();
  });

  it('uses the singular for maxFiles 1', () => {
    const error = validateFile(file('second.png', 'image/png'), { maxFiles: 1 }, 1);
    expect(error?.message).toContain('at most 1 file can be uploaded');
  });

  it('checks the count first, then size, then type', () => {
    const options: ValidationOptions = { maxFiles: 1, maxFileSize: 10, accept: '.png' };
    expect(validateFile(file('a.txt', 'text/plain', 100), options, 1)?.code).toBe('too-many-files');
    expect(validateFile(file('a.txt', 'text/plain', 100), options, 0)?.code).toBe('file-too-large');
    expect(validateFile(file('a.txt', 'text/plain', 5), options, 0)?.code).toBe('file-type-not-allowed');
    expect(validateFile(file('a.png', 'image/png', 5), options, 0)).toBeUndefined();
  });

  it('returns undefined when no options are set', () => {
    expect(
      validateFile(file('anything.exe', 'application/x-msdownload', 10 ** 12), {}, 10_000),
    ).toBeUndefined();
    expect(validateFile(file('empty', '', 0), {}, 0)).toBeUndefined();
  });
});

describe('details for own messages and edge formats', () => {
  it('gives the broken limit, or the accepted types, on the error', () => {
    expect(validateFile(file('a', '', 10), { maxFiles: 2 }, 2)?.limit).toBe(2);
    expect(validateFile(file('a', '', 10), { maxFileSize: 5 }, 0)?.limit).toBe(5);
    expect(validateFile(file('a', '', 10), { minFileSize: 20 }, 0)?.limit).toBe(20);
    expect(validateFile(file('a.gif', 'image/gif'), { accept: 'image/png, .pdf' }, 0)?.accepted).toEqual([
      'image/png',
      '.pdf',
    ]);
  });

  it('falls back to exact bytes when both sizes round to the same text', () => {
    const error = validateFile(file('a.bin', '', 1_000_001), { maxFileSize: 1_000_000 }, 0);
    expect(error?.message).toBe(
      '"a.bin" is 1000001 bytes; the limit is 1000000 bytes. Choose a smaller file.',
    );
    expect(formatSizePair(1_000_001, 1_000_000)).toEqual(['1000001 bytes', '1000000 bytes']);
  });

  it('stops at TB for the largest sizes', () => {
    expect(formatSizePair(2e15, 1e15)).toEqual(['2000.0 TB', '1000.0 TB']);
  });

  it('matches a type whose parameters are spaced from it', () => {
    expect(matchesAccept('a.png', 'image/png ; q=1', ['image/png'])).toBe(true);
  });

  it('matches an exact type exactly, not as a prefix', () => {
    expect(matchesAccept('a', 'image/pngx', ['image/png'])).toBe(false);
  });
});
