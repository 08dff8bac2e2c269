// @vitest-environment node
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/server/createUploadHandler';
import { memoryRateLimiter } from '../../src/server/rateLimiter';
import { networkOf } from '../../src/server/clientAddress';
import { defaultObjectKey, safeExtension, safeSegment } from '../../src/server/objectKey';
import { createTokenSigner } from '../../src/server/uploadToken';
import { resolveStoredType } from '../../src/server/mediaType';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';

/** An S3Client stand-in that answers ListParts in pages, as S3 does past 1,000 parts. */
function pagingS3(totalParts: number, pageSize: number) {
  const markers: Array<string | undefined> = [];
  const client = {
    config: { requestChecksumCalculation: async () => 'WHEN_REQUIRED' },
    async send(command: { constructor: { name: string }; input: { PartNumberMarker?: string } }) {
      if (command.constructor.name !== 'ListPartsCommand')
        throw new Error(`unexpected ${command.constructor.name}`);
      const start = Number(command.input.PartNumberMarker ?? 0);
      markers.push(command.input.PartNumberMarker);
      const end = Math.min(totalParts, start + pageSize);
      return {
        Parts: Array.from({ length: end - start }, (_, i) => ({
          PartNumber: start + i + 1,
          ETag: `"e${start + i + 1}"`,
          Size: 5,
        })),
        IsTruncated: end < totalParts,
        NextPartNumberMarker: String(end),
      };
    },
  };
  return { client: client as unknown as S3Client, markers };
}

describe('multipart/list-parts', () => {
  it('follows every page past 1,000 parts', async () => {
    const { client, markers } = pagingS3(2500, 1000);
    const handler = createUploadHandler({ s3: client, bucket: 'b', secret: SECRET, authorize: () => 'u1' });
    const token = await createTokenSigner(SECRET).sign({
      userId: 'u1',
      key: 'k',
      uploadId: 'U',
      size: 2500 * 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
      type: 'video/mp4',
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const response = await handler(
      new Request('http://x/api/upload/multipart/list-parts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uploadId: 'U', key: 'k', token }),
      }),
    );
    const { parts } = (await response.json()) as { parts: Array<{ partNumber: number }> };
    expect(parts).toHaveLength(2500);
    expect(parts.at(-1)?.partNumber).toBe(2500);
    expect(markers).toEqual([undefined, '1000', '2000']);
  });
});

describe('upload tokens', () => {
  const claims = {
    userId: 'u',
    key: 'k',
    uploadId: 'U',
    size: 10,
    partSize: 5 * 1024 * 1024,
    type: 'image/png',
    exp: 2_000_000_000,
  };

  it('round-trips and binds every claim', async () => {
    const signer = createTokenSigner(SECRET);
    const token = await signer.sign(claims);
    expect(await signer.verify(token, { userId: 'u', key: 'k', uploadId: 'U' }, 1_000)).toEqual(claims);
    for (const other of [
      { userId: 'v', key: 'k', uploadId: 'U' },
      { userId: 'u', key: 'k2', uploadId: 'U' },
      { userId: 'u', key: 'k', uploadId: 'U2' },
    ]) {
      await expect(signer.verify(token, other, 1_000)).rejects.toMatchObject({ status: 403 });
    }
  });

  it('refuses expired, altered and foreign tokens', async () => {
    const signer = createTokenSigner(SECRET);
    const token = await signer.sign(claims);
    const expected = { userId: 'u', key: 'k', uploadId: 'U' };
    await expect(signer.verify(token, expected, 2_000_000_001)).rejects.toMatchObject({ status: 403 });
    const bigger = token.replace('.10.', '.99999999.');
    await expect(signer.verify(bigger, expected, 1_000)).rejects.toMatchObject({ status: 403 });
    const foreign = await createTokenSigner(`${SECRET}-other`).sign(claims);
    await expect(signer.verify(foreign, expected, 1_000)).rejects.toMatchObject({ status: 403 });
    await expect(signer.verify('v1.garbage', expected, 1_000)).rejects.toMatchObject({ status: 403 });
  });
});

describe('keys', () => {
  it('keeps only a short alphanumeric extension and makes user ids one safe segment', () => {
    expect(safeExtension('photo.JPG')).toBe('.jpg');
    expect(safeExtension('archive.tar.gz')).toBe('.gz');
    expect(safeExtension('evil.php%00.png')).toBe('.png');
    expect(safeExtension('noext')).toBe('');
    expect(safeExtension('x./../etc')).toBe('');
    expect(safeSegment('..')).toBe('%2E%2E');
    expect(safeSegment('.')).toBe('%2E');
    expect(safeSegment('_')).toBe('_');
    expect(safeSegment('a/b')).toBe('a%2Fb');
    // The key's extension is the checked type's, never the name's.
    expect(
      defaultObjectKey({
        userId: 'u/1',
        fileName: '../../x.php',
        contentType: 'image/png',
        extension: '.png',
      }),
    ).toMatch(/^uploads\/u%2F1\/[0-9a-f-]{36}\.png$/);
  });
});

describe('memoryRateLimiter', () => {
  it('allows `limit` requests per window and says how long to wait', () => {
    let t = 0;
    const limiter = memoryRateLimiter({ limit: 2, windowMs: 1000, now: () => t });
    expect(limiter.consume('a')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(limiter.consume('a')).toEqual({ allowed: true, retryAfterMs: 0 });
    t = 400;
    expect(limiter.consume('a')).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(limiter.consume('b').allowed).toBe(true);
    t = 1000;
    expect(limiter.consume('a').allowed).toBe(true);
  });

  it('counts at most maxKeys keys apart: later new keys share one count until the window ends', () => {
    let t = 0;
    const limiter = memoryRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 2, now: () => t });
    expect(limiter.consume('a').allowed).toBe(true);
    expect(limiter.consume('b').allowed).toBe(true);
    expect(limiter.consume('a').allowed, 'a counted key is still limited').toBe(false);
    expect(limiter.consume('c').allowed, 'the shared count: 1').toBe(true);
    expect(limiter.consume('d').allowed, 'the shared count: 2').toBe(false);
    expect(limiter.consume('c').allowed).toBe(false);
    t = 1000;
    expect(limiter.consume('c').allowed).toBe(true);
    expect(limiter.consume('c').allowed, 'counted apart in the new window').toBe(false);
  });
});

describe('networkOf', () => {
  it('is the IPv4 address, also IPv4-mapped, and the /64 of an IPv6 address', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(networkOf('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('unix-socket')).toBe('unix-socket');
    // Ports (Azure's X-Forwarded-For), hex-mapped IPv4 and NAT64 are the IPv4 client.
    expect(networkOf('203.0.113.7:5678')).toBe('203.0.113.7');
    expect(networkOf('[2001:db8:1:2::1]:443')).toBe('2001:db8:1:2::/64');
    expect(networkOf('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(networkOf('64:ff9b::203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('64:ff9b::cb00:7108')).toBe('203.0.113.8');
    expect(networkOf('1:2:3')).toBe('1:2:3');
  });
});

describe('anonymous requests', () => {
  it('are limited per address; signed-in users at that address are still served', async () => {
    let t = 0;
    const handler = createUploadHandler({
      // Presigning is local: no store is asked.
      s3: new S3Client({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }),
      bucket: 'b',
      secret: SECRET,
      now: () => t,
      addressRateLimit: memoryRateLimiter({ limit: 3, windowMs: 60_000, now: () => t }),
      getClientAddress: (request) => request.headers.get('x-test-address'),
      authorize: (request) => request.headers.get('x-user'),
    });
    const call = (address: string, user?: string) =>
      handler(
        new Request('http://x/api/upload/presign', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-test-address': address,
            ...(user ? { 'x-user': user } : {}),
          },
          body: JSON.stringify({ file: { name: 'a.png', size: 1, type: 'image/png' } }),
        }),
      );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('10.0.0.1')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Signed-in users never count, and are served at the limited address too.
    for (let i = 0; i < 5; i++) expect((await call('10.0.0.2', 'alice')).status).toBe(200);
    expect((await call('10.0.0.1', 'bob')).status).toBe(200);
    expect((await call('10.0.0.1')).status).toBe(429);
    t = 60_001;
    expect((await call('10.0.0.1')).status).toBe(401);
  });
});

describe('allowed types', () => {
  it('admits .ext tokens by every extension of the type, and unknown or vendor types by name only', () => {
    expect(resolveStoredType('image/jpeg', 'x', ['.jpeg'])).toEqual({
      contentType: 'image/jpeg',
      extension: '.jpeg',
    });
    expect(resolveStoredType('image/jpeg', 'x', ['.jpg'])).toEqual({
      contentType: 'image/jpeg',
      extension: '.jpg',
    });
    expect(resolveStoredType('audio/mpeg', 'song', ['.mp3'])).toEqual({
      contentType: 'audio/mpeg',
      extension: '.mp3',
    });
    // A known type never passes for its name: a PNG is not a .jpeg because it is called one.
    expect(resolveStoredType('image/png', 'a.jpeg', ['.jpeg'])).toBeUndefined();
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(resolveStoredType(docx, 'report.DOCX', ['.docx'])).toEqual({
      contentType: docx,
      extension: '.docx',
    });
    expect(resolveStoredType(docx, 'report.pdf', ['.docx'])).toBeUndefined();
    // A name the token admits makes the file the token's type (then checked as it) ...
    expect(resolveStoredType('', 'scan.heic', ['.heic'])).toEqual({
      contentType: 'image/heic',
      extension: '.heic',
    });
    // ... unless nothing is known of the extension: the declared type, as a download.
    expect(resolveStoredType('', 'scan.heif2', ['.heif2'])).toEqual({
      contentType: 'application/octet-stream',
      extension: '.heif2',
    });
    // Active types need their exact name, whatever the tokens.
    expect(resolveStoredType('image/svg+xml', 'a.svg', ['.svg', 'image/*', '*'])).toBeUndefined();
    expect(resolveStoredType('image/svg+xml', 'a.svg', ['image/svg+xml'])).toEqual({
      contentType: 'image/svg+xml',
      extension: '.svg',
    });
  });
});

describe('configuration', () => {
  const base = { s3: pagingS3(0, 1).client, bucket: 'b', secret: SECRET, authorize: () => 'u' };
  it('refuses limits S3 or the protocol cannot honour', () => {
    expect(() => createUploadHandler({ ...base, expiresIn: 0.5 })).toThrow(/expiresIn/);
    expect(() => createUploadHandler({ ...base, copyPartSize: 1024 })).toThrow(/copyPartSize/);
    expect(() => createUploadHandler({ ...base, pendingPrefix: 'pending' })).toThrow(/pendingPrefix/);
    expect(() => createUploadHandler({ ...base, pendingPrefix: `${'p'.repeat(101)}/` })).toThrow(
      /pendingPrefix/,
    );
    expect(() => createUploadHandler({ ...base, copyPartSize: 5 * 1024 * 1024 })).not.toThrow();
  });
});

describe('presign again after a URL expired', () => {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' },
  });
  let clock = 1_700_000_000_000;
  const handler = createUploadHandler({
    s3,
    bucket: 'b',
    secret: SECRET,
    now: () => clock,
    authorize: (request) => request.headers.get('x-user') ?? undefined,
  });
  const file = { name: 'photo.png', size: 1234, type: 'image/png' };
  const presign = async (body: Record<string, unknown>, user = 'u1') => {
    const response = await handler(
      new Request('http://x/api/upload/presign', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': user },
        body: JSON.stringify({ file, ...body }),
      }),
    );
    return { status: response.status, json: (await response.json()) as { key: string; token: string } };
  };

  it('gives a new key for an authentic resign too: a key is never signed for a second PUT', async () => {
    const first = await presign({});
    clock += 20 * 60 * 1000; // the URL expired; the token has not
    const again = await presign({ resign: { key: first.json.key, token: first.json.token } });
    expect(again.status).toBe(200);
    expect(again.json.key).not.toBe(first.json.key);
  });

  it('gives a new key, as a plain presign would, to a forged, foreign or other-file resign', async () => {
    const first = await presign({});
    const forged = await presign({ resign: { key: 'uploads/someone-else.png', token: first.json.token } });
    const foreign = await presign({ resign: { key: first.json.key, token: first.json.token } }, 'u2');
    const bigger = await handler(
      new Request('http://x/api/upload/presign', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'u1' },
        body: JSON.stringify({
          file: { ...file, size: 4321 },
          resign: { key: first.json.key, token: first.json.token },
        }),
      }),
    );
    for (const answer of [
      forged,
      foreign,
      { status: bigger.status, json: (await bigger.json()) as { key: string } },
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.json.key).not.toBe(first.json.key);
      expect(answer.json.key).not.toBe('uploads/someone-else.png');
    }
    const malformed = await presign({ resign: 'uploads/x.png' });
    expect(malformed.status).toBe(400);
  });
});
