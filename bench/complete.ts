// What quarantine costs `complete`: verify-in-place (the old way, HeadObject + a ranged GET)
// against verify + promote (the same, then the conditional multipart copy to the final key and
// the pending object's deletion), side by side on one MinIO, interleaved, medians of N.
// Usage: npm run bench:complete   (MinIO built by scripts/ensure-tools.sh)
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startMinio } from '../demo/minio';
import { s3ClientFor } from '../demo/s3Client';
import { promoteObject } from '../src/server/promoteObject';
import { verifyObject } from '../src/server/verifyObject';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const ROUNDS = 15;
const SIZES = [1024, 1024 * 1024, 64 * 1024 * 1024];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const minio = await startMinio();
const s3 = s3ClientFor(minio);
const bucket = 'bench';
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
try {
  console.log('| Object | verify in place, median | verify + promote, median | Ratio |');
  console.log('| ------ | ----------------------- | ------------------------ | ----- |');
  for (const size of SIZES) {
    const body = Buffer.alloc(size, 7);
    PNG.copy(body);
    const inPlace: number[] = [];
    const promoted: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `k/${size}-${round}.png`;
      const pending = `pending/${key}`;
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: pending, Body: body, ContentType: 'image/png' }),
      );
      // Interleaved: each round measures both ways on the same object, baseline first.
      let t = performance.now();
      await verifyObject({ s3, bucket, key: pending, size, type: 'image/png', sniff: true });
      inPlace.push(performance.now() - t);
      t = performance.now();
      const verified = await verifyObject({ s3, bucket, key: pending, size, type: 'image/png', sniff: true });
      if (!verified) throw new Error(`${pending} vanished`);
      await promoteObject({
        s3,
        bucket,
        from: pending,
        to: key,
        etag: verified.etag,
        size,
        contentType: 'image/png',
        contentDisposition: 'inline',
      });
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: pending }));
      promoted.push(performance.now() - t);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    const [a, b] = [median(inPlace), median(promoted)];
    const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
    console.log(`| ${label} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | ${(b / a).toFixed(1)}x |`);
  }
} finally {
  s3.destroy();
  await minio.stop();
}
