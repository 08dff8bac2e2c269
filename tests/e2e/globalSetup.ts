import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import { startMinio } from '../../demo/minio';
import { s3ClientFor } from '../../demo/s3Client';

declare module 'vitest' {
  export interface ProvidedContext {
    minio: { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  }
}

/** One MinIO for the whole e2e project, with one bucket; tests use distinct keys. */
export default async function setup(project: TestProject) {
  const minio = await startMinio();
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
