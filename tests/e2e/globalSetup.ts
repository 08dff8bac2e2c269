import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import { startMinio } from '../../demo/minio';
import { s3ClientFor } from '../../demo/s3Client';

declare module 'vitest' {
  export interface ProvidedContext {
    minio: { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  }
}

/** The KMS key MinIO holds (`serverSideEncryption: { kmsKeyId }` in tests). */
export const KMS_KEY_ID = 'upkit-test-key';
// 32 bytes, base64: a test key, not a secret.
const KMS_SECRET = Buffer.alloc(32, 7).toString('base64');

/** One MinIO for the whole e2e project, with one bucket; tests use distinct keys. */
export default async function setup(project: TestProject) {
  // A KMS key, so objects can be stored with server-side encryption (SSE-S3 and SSE-KMS).
  const minio = await startMinio({ env: { MINIO_KMS_SECRET_KEY: `${KMS_KEY_ID}:${KMS_SECRET}` } });
  const bucket = 'upkit-e2e';
  const s3 = s3ClientFor(minio);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  project.provide('minio', {
    endpoint: minio.endpoint,
    accessKeyId: minio.accessKeyId,
    secretAccessKey: minio.secretAccessKey,
    bucket,
  });
  return () => minio.stop();
}
