import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { httpBackend } from '../../src/backends/httpBackend';
import { isUploadError, type UploadError } from '../../src/core/errors';
import { classifyError } from '../../src/core/retry';
import { UPKIT_PROTOCOL } from '../../src/core/protocol';
import { createUploadHandler } from '../../src/server/createUploadHandler';

// issue 13: every control call says which protocol version it speaks; a server refuses a version
// it does not speak with a message that says which side to upgrade, instead of misreading it.

const handler = createUploadHandler({
  // Presigning is local: no store is asked.
  s3: new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  }),
  bucket: 'b',
  secret: 'a-test-secret-of-at-least-thirty-two-bytes',
  authorize: () => 'alice',
});

const file = { name: 'a.png', size: 1, type: 'image/png' };
const presign = (body: Record<string, unknown>) =>
  handler(
    new Request('http://x/api/upload/presign', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

describe('protocol versions', () => {
  it('serves this version, and a call without one (clients from before the field spoke 1)', async () => {
    expect(UPKIT_PROTOCOL).toBe(1);
    expect((await presign({ protocol: 1, file })).status).toBe(200);
    expect((await presign({ file })).status).toBe(200);
  });

  it.each([
    [0, 'protocol-too-old', /too old for the server .*upgrade upkit/],
    [2, 'protocol-too-new', /newer than the server .*upgrade upkit\/server/],
    ['1', 'bad-request', /"protocol" must be an integer/],
    [1.5, 'bad-request', /"protocol" must be an integer/],
  ])('refuses protocol %j with %s, saying what to do', async (protocol, code, message) => {
    const response = await presign({ protocol, file });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('an older client meets a clear, final error in the browser, not a misread upload', async () => {
    // httpBackend as an older upkit would send it: the same calls, an older version.
    const older = httpBackend({
      baseUrl: 'http://x/api/upload',
      fetch: async (url, init) => {
        const body = { ...(JSON.parse(String(init?.body)) as object), protocol: 0 };
        return handler(new Request(url, { ...init, body: JSON.stringify(body) }));
      },
    });
    const failure = await older.presign(file, { signal: new AbortController().signal }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isUploadError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/too old for the server/);
    // Asking again cannot help: no automatic retry, and no Retry button.
    expect(classifyError(failure as UploadError)).toBe('fatal');
    expect((failure as UploadError).isFinal).toBe(true);
  });
});
