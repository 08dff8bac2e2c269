import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conformanceRules, runConformance, type RuleResult } from '../../src/conformance/index';
import { serveBackend, withS3PartPages, type ServedBackend } from '../conformance/serveBackend';
import { testS3 } from './s3';

// upkit/server, mounted as a deployment mounts it, checked by the conformance kit against MinIO
// with storage access: every rule runs, none may fail or skip.
const { bucket } = inject('minio');
const s3 = withS3PartPages(testS3());
let backend: ServedBackend;
const results: RuleResult[] = [];

beforeAll(async () => {
  backend = await serveBackend({ bucket, handlerS3: testS3() });
});
afterAll(async () => {
  await backend.close();
  s3.destroy();
});

describe('upkit/server passes every conformance rule', () => {
  it.each(conformanceRules)('$id: $description', { timeout: 120_000 }, async ({ id }) => {
    const report = await runConformance({ ...backend.options, storage: { s3, bucket }, only: [id] });
    const [result] = report.results;
    results.push(result!);
    expect(report.results).toHaveLength(1);
    expect(result!.status, result!.reason).toBe('pass');
    // Storage paged (at S3's 1,000, see withS3PartPages), so the backend followed its pages.
    if (id === 'list-parts-paging') expect(result!.reason).toMatch(/storage serves 1000 a page/);
  });

  it('ran every rule', () => {
    expect(results.map((r) => r.id)).toEqual(conformanceRules.map((r) => r.id));
  });
});
