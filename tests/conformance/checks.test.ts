// @vitest-environment node
import { S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorShapeProblem, expiresAtProblem } from '../../src/conformance/checks';
import { conformanceRules, formatReport, runConformance } from '../../src/conformance/index';
import { tampered } from '../../src/conformance/rules/tokens';
import { createStorageReader } from '../../src/conformance/storageReader';

describe('expiresAt as the client reads it', () => {
  it.each([
    ['an ISO 8601 string', '2025-01-31T12:00:00Z'],
    ['ISO 8601 with milliseconds and an offset', '2025-01-31T12:00:00.123+01:00'],
    ['epoch milliseconds', 1738324800000],
    ['null (unknown)', null],
    ['absent', undefined],
  ])('%s is readable', (_, value) => {
    expect(expiresAtProblem(value)).toBeUndefined();
  });

  it.each([
    ['epoch seconds', 1738324800, /epoch seconds/],
    ['a date without a time', '2025-01-31', /ISO 8601/],
    ['a date without a zone', '2025-01-31T12:00:00', /ISO 8601/],
    ['an unreadable string', 'soon', /ISO 8601/],
    ['an object', { at: 1 }, /ISO 8601/],
    ['NaN', Number.NaN, /epoch milliseconds/],
  ])('%s is refused, saying what was expected', (_, value, reason) => {
    expect(expiresAtProblem(value)).toMatch(/^expected /);
    expect(expiresAtProblem(value)).toMatch(reason);
  });
});

describe('the error body', () => {
  it('{ error: { code, message } } with non-empty strings passes', () => {
    expect(errorShapeProblem({ error: { code: 'forbidden', message: 'No.' } })).toBeUndefined();
  });

  it.each([
    ['plain text', 'Forbidden'],
    ['a bare message', { message: 'No.' }],
    ['an error string', { error: 'forbidden' }],
    ['an empty code', { error: { code: '', message: 'No.' } }],
    ['a numeric code', { error: { code: 403, message: 'No.' } }],
    ['no message', { error: { code: 'forbidden' } }],
  ])('%s is reported', (_, body) => {
    expect(errorShapeProblem(body)).toBeDefined();
  });
});

describe('tampered tokens', () => {
  const token = 'v2.1738929600.48213.0.aW1hZ2UvcG5n.Yl3kQ9Zx_-Ab';

  it.each([0.3, 0.5, 0.8])('at %s: exactly one character changes, within its alphabet', (at) => {
    const changed = tampered(token, at);
    expect(changed).toHaveLength(token.length);
    const diff = [...token].map((c, i) => [c, changed[i]]).filter(([a, b]) => a !== b);
    expect(diff).toHaveLength(1);
    const [[before, after]] = diff as [[string, string]];
    for (const alphabet of [/[0-9]/, /[a-z]/, /[A-Z]/])
      expect(alphabet.test(before)).toBe(alphabet.test(after));
  });

  it('skips separators to the next letter or digit', () => {
    expect(tampered('ab.-_.cd', 0.3)).toBe('ab.-_.dd');
  });
});

describe('keys of presigned URLs', async () => {
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const storage = await createStorageReader({ s3, bucket: 'uploads' });

  it.each([
    ['path-style', 'http://127.0.0.1:9000/uploads/pending/uploads/u1/a%20b.png?X-Amz-Signature=1'],
    [
      'virtual-hosted',
      'https://uploads.s3.eu-west-1.amazonaws.com/pending/uploads/u1/a%20b.png?partNumber=1',
    ],
  ])('%s', (_, url) => {
    expect(storage.keyOfUrl(url)).toBe('pending/uploads/u1/a b.png');
  });

  it('another bucket: unknown', () => {
    expect(storage.keyOfUrl('http://127.0.0.1:9000/other/pending/x.png')).toBeUndefined();
  });
});

describe('runConformance', () => {
  const options = {
    users: { a: { authorization: 'Bearer a' }, b: { authorization: 'Bearer b' } },
  };

  it('refuses options it cannot use', async () => {
    await expect(runConformance({ ...options, baseUrl: 'ftp://x' })).rejects.toThrow(/baseUrl/);
    await expect(
      runConformance({ ...options, baseUrl: 'http://127.0.0.1:1', only: ['nope'] }),
    ).rejects.toThrow(/unknown rule ids in `only`: nope/);
  });

  it('reports a backend that is not there as failures, never rejects', async () => {
    // A port that was free a moment ago: connections are refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const report = await runConformance({
      ...options,
      baseUrl: `http://127.0.0.1:${port}/api/upload`,
      only: ['presign-shape', 'list-parts-paging'],
    });
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['presign-shape', 'fail'],
      ['list-parts-paging', 'skip'],
    ]);
    expect(report.results[0]!.reason).toMatch(/could not finish: TypeError: fetch failed/);
    expect(report.results[1]!.reason).toMatch(/needs storage access/);
    const lines = formatReport(report);
    expect(lines[0]).toMatch(/^FAIL presign-shape: /);
    expect(lines[1]).toMatch(/^SKIP list-parts-paging: /);
    expect(lines[2]).toMatch(/^0 passed, 1 failed, 1 skipped/);
  });

  it('knows every rule by a unique id with a description', () => {
    const ids = conformanceRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of conformanceRules) expect(rule.description.length).toBeGreaterThan(20);
  });
});
