import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conformanceRules, runConformance, type ConformanceOptions } from '../../src/conformance/index';
import { APP_ORIGIN, GiB, kitOptions, withS3PartPages } from '../conformance/serveBackend';
import { testS3 } from './s3';

// issue 11: the Python backend of examples/flask-backend, started as its README says
// (`python3 app.py ...`, Debian's Python with Flask and boto3), checked by the same conformance
// kit as upkit/server, against MinIO with storage access: every rule must pass.

const minio = inject('minio');
const s3 = withS3PartPages(testS3());
const root = join(import.meta.dirname, '../..');
let app: ChildProcess | undefined;
let options: ConformanceOptions;

beforeAll(async () => {
  app = spawn(
    '/usr/bin/python3',
    [
      'examples/flask-backend/app.py',
      '--port',
      '0',
      '--s3-endpoint',
      minio.endpoint,
      '--bucket',
      minio.bucket,
      '--allowed-types',
      'image/*',
      '--allowed-origin',
      APP_ORIGIN,
      // 1,001 parts of 5 MiB fit, so list-parts-paging runs.
      '--max-file-size',
      String(5 * GiB),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: minio.accessKeyId,
        AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
        UPKIT_SECRET: 'conformance-flask-secret-of-at-least-32-bytes',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app.py did not start in 30 s: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/api\/upload)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    app!.stdout!.on('data', read);
    app!.stderr!.on('data', read);
    app!.once('exit', () => reject(new Error(`app.py exited: ${output}`)));
  });
  options = { ...kitOptions(baseUrl, randomUUID().slice(0, 8)), storage: { s3, bucket: minio.bucket } };
}, 40_000);

afterAll(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGTERM');
    await new Promise((resolve) => app!.once('exit', resolve));
  }
  s3.destroy();
});

describe('the Flask backend passes every conformance rule', () => {
  it.each(conformanceRules)('$id: $description', { timeout: 120_000 }, async ({ id }) => {
    const report = await runConformance({ ...options, only: [id] });
    const [result] = report.results;
    expect(report.results).toHaveLength(1);
    expect(result!.status, result!.reason).toBe('pass');
  });
});
