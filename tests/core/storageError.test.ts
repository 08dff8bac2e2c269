import { describe, expect, it } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { classifyError } from '../../src/core/retry';
import { missingEtagError } from '../../src/core/multipartUpload';
import { parseS3Error, storageError } from '../../src/core/storageError';

function s3Xml(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>` +
    '<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>'
  );
}

describe('parseS3Error', () => {
  it('reads Code and Message', () => {
    expect(parseS3Error(s3Xml('SlowDown', 'Please reduce your request rate.'))).toEqual({
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
    });
  });

  it('returns an empty object for a body that is not S3 XML', () => {
    expect(parseS3Error('<html>Bad Gateway</html>')).toEqual({});
    expect(parseS3Error('')).toEqual({});
  });
});

describe('storageError', () => {
  it("maps 403 AccessDenied 'Request has expired' to url-expired", () => {
    const body = s3Xml('AccessDenied', 'Request has expired');
    const error = storageError(403, body, null);
    expect(error).toBeInstanceOf(UploadError);
    expect(error.code).toBe('url-expired');
    expect(error.status).toBe(403);
    expect(error.cause).toBe(body);
    expect(classifyError(error)).toBe('resign');
  });

  it('maps 400 ExpiredToken to url-expired', () => {
    const error = storageError(400, s3Xml('ExpiredToken', 'The provided token has expired.'), null);
    expect(error.code).toBe('url-expired');
    expect(error.status).toBe(400);
  });

  it('does not treat "expired" on other statuses as url-expired', () => {
    const error = storageError(500, s3Xml('InternalError', 'Session expired internally'), null);
    expect(error.code).toBe('storage-rejected');
    expect(error.status).toBe(500);
  });

  it('maps 403 SignatureDoesNotMatch to storage-rejected with status 403 and the S3 code', () => {
    const error = storageError(
      403,
      s3Xml(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ),
      null,
    );
    expect(error.code).toBe('storage-rejected');
    expect(error.status).toBe(403);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('HTTP 403');
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(error.message).toContain('does not match the signature you provided');
    expect(error.message).toContain('valid credentials');
    expect(classifyError(error)).toBe('fatal');
  });

  it("maps 503 SlowDown with Retry-After '2' to retryAfterMs 2000", () => {
    const error = storageError(503, s3Xml('SlowDown', 'Please reduce your request rate.'), '2');
    expect(error.code).toBe('storage-rejected');
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.message).toBe(
      'Storage refused the upload with HTTP 503 (SlowDown: Please reduce your request rate.).',
    );
    expect(classifyError(error)).toBe('retry');
  });

  it('leaves retryAfterMs undefined without a Retry-After header', () => {
    expect(storageError(503, s3Xml('SlowDown', 'x'), null).retryAfterMs).toBeUndefined();
  });

  it('omits the detail for a body without an S3 code', () => {
    const error = storageError(502, '<html>Bad Gateway</html>', null);
    expect(error.message).toBe('Storage refused the upload with HTTP 502.');
  });
});

describe('missingEtagError', () => {
  it('names the part and explains how to expose the ETag header', () => {
    const error = missingEtagError(7);
    expect(error).toBeInstanceOf(UploadError);
    expect(error.code).toBe('missing-etag');
    expect(error.message).toContain('part 7');
    expect(error.message).toContain('ExposeHeaders');
    expect(error.message).toContain('ETag');
    expect(error.message).toContain('"ExposeHeaders": ["ETag"]');
    expect(classifyError(error)).toBe('fatal');
  });
});

describe('messages', () => {
  it('says an expired URL is being re-signed', () => {
    expect(storageError(403, s3Xml('AccessDenied', 'Request has expired'), null).message).toBe(
      'The presigned URL expired before storage received the request; a new one is being signed.',
    );
  });

  it('reads an expiry from the S3 code alone', () => {
    expect(storageError(400, '<Error><Code>ExpiredToken</Code></Error>', null).code).toBe('url-expired');
  });

  it('names an S3 code that came without a message', () => {
    const body = '<Error><Code>SlowDown</Code></Error>';
    expect(storageError(503, body, null).message).toBe(
      'Storage refused the upload with HTTP 503 (SlowDown).',
    );
  });

  it('tells how to expose ETag in the bucket CORS rule', () => {
    expect(missingEtagError(7).message).toContain(
      'upload cannot be completed. Add "ETag" to the bucket CORS rule\'s ExposeHeaders',
    );
  });
});
