import { Writable } from 'node:stream';
import pino from 'pino';
import * as client from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { UploadEvent } from '../../src/server/config';
import { allEvents, uploadLogger, uploadLogRedactPaths, uploadMetrics } from '../../src/server/observability';

const events: UploadEvent[] = [
  { type: 'signed', operation: 'presign', userId: 'u1', key: 'uploads/u1/a.png', ms: 12 },
  { type: 'signed', operation: 'presign', userId: 'u2', key: 'uploads/u2/b.png', ms: 30 },
  { type: 'signed', operation: 'multipart/sign-parts', userId: 'u1', key: 'uploads/u1/c.mp4', ms: 4 },
  { type: 'completed', userId: 'u1', key: 'uploads/u1/a.png', size: 2048, contentType: 'image/png', ms: 80 },
  { type: 'completed', userId: 'u2', key: 'uploads/u2/b.png', size: 1000, contentType: 'image/png', ms: 40 },
  { type: 'rejected', operation: 'presign', userId: 'u3', status: 415, code: 'type-not-allowed', ms: 1 },
  { type: 'rejected', operation: 'complete', userId: 'u3', status: 503, code: 'storage-unavailable', ms: 9 },
  { type: 'aborted', userId: 'u1', key: 'uploads/u1/c.mp4', ms: 5 },
];

describe('uploadMetrics', () => {
  it('counts signing, completions, bytes, rejections and aborts into a prom-client registry', async () => {
    const registry = new client.Registry();
    const onEvent = uploadMetrics(client, { registry });
    for (const event of events) onEvent(event);
    const text = await registry.metrics();
    expect(text).toContain('upkit_signed_total{operation="presign"} 2');
    expect(text).toContain('upkit_signed_total{operation="multipart/sign-parts"} 1');
    expect(text).toContain('upkit_sign_duration_seconds_count{operation="presign"} 2');
    const sum = /upkit_sign_duration_seconds_sum\{operation="presign"\} ([\d.e-]+)/.exec(text)?.[1];
    expect(Number(sum)).toBeCloseTo(0.042, 9);
    expect(text).toContain('upkit_completed_total 2');
    expect(text).toContain('upkit_completed_bytes_total 3048');
    expect(text).toContain('upkit_complete_duration_seconds_bucket{le="0.05"} 1');
    expect(text).toContain(
      'upkit_rejected_total{operation="presign",status="415",code="type-not-allowed"} 1',
    );
    expect(text).toContain(
      'upkit_rejected_total{operation="complete",status="503",code="storage-unavailable"} 1',
    );
    expect(text).toContain('upkit_aborted_total 1');
    // No series per user or per key.
    expect(text).not.toMatch(/u1|u2|uploads\//);
  });

  it('takes a prefix, and two handlers can report to two registries', async () => {
    const [a, b] = [new client.Registry(), new client.Registry()];
    uploadMetrics(client, { registry: a, prefix: 'files_' })(events[3]!);
    uploadMetrics(client, { registry: b })(events[0]!);
    expect(await a.metrics()).toContain('files_completed_total 1');
    expect(await b.metrics()).toContain('upkit_completed_total 0');
  });
});

/** A pino logger writing JSON lines into an array. */
function capture(options: pino.LoggerOptions = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino(options, stream), lines };
}

describe('uploadLogger', () => {
  it('logs each event as one structured line, refusals as warn and failures as error', () => {
    const { logger, lines } = capture();
    const onEvent = uploadLogger(logger);
    for (const event of events) onEvent(event);
    expect(lines.map((line) => [line.level, line.event, line.msg])).toEqual([
      [30, 'signed', 'upload signed'],
      [30, 'signed', 'upload signed'],
      [30, 'signed', 'upload signed'],
      [30, 'completed', 'upload completed'],
      [30, 'completed', 'upload completed'],
      [40, 'rejected', 'upload call refused: type-not-allowed'],
      [50, 'rejected', 'upload call failed: storage-unavailable'],
      [30, 'aborted', 'upload aborted'],
    ]);
    expect(lines[3]).toMatchObject({ userId: 'u1', key: 'uploads/u1/a.png', size: 2048, ms: 80 });
  });

  it("redacts presigned URLs, tokens, signed headers and credentials from an app's own logs", () => {
    const { logger, lines } = capture({ redact: [...uploadLogRedactPaths] });
    const url = 'https://s3.example/bucket/pending/a.png?X-Amz-Signature=abc123';
    logger.info({ req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1' } } }, 'request');
    logger.info(
      { body: { url, token: 'v2.tok', headers: { 'x-amz-checksum-sha256': 'x' } } },
      'presign answer',
    );
    logger.info({ body: { parts: [{ partNumber: 1, url }] } }, 'sign-parts answer');
    logger.info({ url, token: 'v2.tok' }, 'flat');
    const text = JSON.stringify(lines);
    for (const secret of ['X-Amz-Signature', 'secret-token', 'sid=1', 'v2.tok', 'x-amz-checksum']) {
      expect(text).not.toContain(secret);
    }
    expect(lines.map((line) => line.msg)).toEqual(['request', 'presign answer', 'sign-parts answer', 'flat']);
  });
});

describe('allEvents', () => {
  it('gives every listener every event, even when one throws', () => {
    const seen: string[] = [];
    const onEvent = allEvents(
      () => {
        throw new Error('broken logger');
      },
      (event) => seen.push(event.type),
    );
    for (const event of events.slice(0, 2)) onEvent(event);
    expect(seen).toEqual(['signed', 'signed']);
  });
});
