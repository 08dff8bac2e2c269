// Uppy 6 (@uppy/core + @uppy/aws-s3) as its docs set it up: `signRequest` asks the app to sign
// each S3 request (PutObject, CreateMultipartUpload, each UploadPart, CompleteMultipartUpload),
// and Uppy sends them to storage itself. Uppy never tells the app a single PUT finished, so the
// app's `complete` is sent from `upload-success`, as an app must to learn of the file, and the
// run waits for those answers too.
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import type { RunConfig } from './api';

async function post<T>(appUrl: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${appUrl}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

export interface UppyContender {
  run(files: readonly File[]): Promise<{ done: number; failed: number }>;
}

export function createUppyContender(config: RunConfig): UppyContender {
  const uppy = new Uppy({ autoProceed: false });
  let seq = 0;
  uppy.use(AwsS3, {
    limit: config.concurrency,
    shouldUseMultipart: (file) => (file.size ?? 0) >= config.threshold,
    getChunkSize: () => config.partSize,
    // The sink reads the file's name from the key's last segment to check its bytes.
    generateObjectKey: (file) => `u/${(++seq).toString(36)}/${file.name}`,
    signRequest: (request) => post(config.appUrl, 's3/sign', request),
  });
  const completions: Array<Promise<unknown>> = [];
  uppy.on('upload-success', (file, response) => {
    const key = (response.body as { key?: string } | undefined)?.key;
    if (!file || !key) return;
    completions.push(
      post(config.appUrl, 'complete', {
        key,
        file: { name: file.name, size: file.size, type: file.type },
      }).catch(() => undefined),
    );
  });
  return {
    async run(files) {
      uppy.addFiles(
        files.map((file) => ({
          name: file.name,
          type: file.type,
          data: file,
          source: 'bench',
          isRemote: false,
        })),
      );
      const result = await uppy.upload();
      await Promise.all(completions);
      return { done: result?.successful?.length ?? 0, failed: result?.failed?.length ?? 0 };
    },
  };
}
