// The floor: what a hand-written uploader does and no less. A pool of `concurrency` workers,
// each taking the next file through presign -> PUT (XHR) -> complete; a multipart file is
// created, its parts signed in batches just ahead of the PUTs, PUT `concurrency` at a time and
// completed. No retries, no state beyond a list of results.
import type { RunConfig } from './api';

interface Outcome {
  done: number;
  failed: number;
}

async function post<T>(appUrl: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${appUrl}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

function put(url: string, body: Blob, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve(xhr.getResponseHeader('etag') ?? '')
        : reject(new Error(`PUT ${xhr.status}`));
    xhr.onerror = () => reject(new Error('PUT network error'));
    xhr.send(body);
  });
}

const describe = (file: File) => ({ name: file.name, size: file.size, type: file.type });

interface Presigned {
  url: string;
  headers?: Record<string, string>;
  key: string;
  token?: string;
}

async function single(config: RunConfig, file: File, results: unknown[]): Promise<void> {
  const signed = await post<Presigned>(config.appUrl, 'presign', { file: describe(file) });
  const etag = await put(signed.url, file, signed.headers);
  results.push(
    await post(config.appUrl, 'complete', {
      key: signed.key,
      token: signed.token,
      etag,
      file: describe(file),
    }),
  );
}

const SIGN_BATCH = 10;

async function multipart(config: RunConfig, file: File, results: unknown[]): Promise<void> {
  const session = await post<{ uploadId: string; key: string; token?: string; partSize?: number }>(
    config.appUrl,
    'multipart/create',
    { file: describe(file), partSize: config.partSize },
  );
  const partSize = session.partSize ?? config.partSize;
  const count = Math.max(1, Math.ceil(file.size / partSize));
  const urls = new Map<number, Promise<string>>();
  const urlFor = (partNumber: number): Promise<string> | undefined => {
    if (partNumber > count) return undefined;
    if (!urls.has(partNumber)) {
      const numbers: number[] = [];
      for (let n = partNumber; n <= count && numbers.length < SIGN_BATCH && !urls.has(n); n++)
        numbers.push(n);
      const batch = post<{ parts: Array<{ partNumber: number; url: string }> }>(
        config.appUrl,
        'multipart/sign-parts',
        {
          uploadId: session.uploadId,
          key: session.key,
          token: session.token,
          partNumbers: numbers,
        },
      );
      for (const n of numbers) {
        urls.set(
          n,
          batch.then(
            ({ parts }) =>
              parts.find((part) => part.partNumber === n)?.url ?? Promise.reject(new Error('unsigned')),
          ),
        );
      }
    }
    return urls.get(partNumber);
  };
  const etags: string[] = [];
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const partNumber = next++;
      const signed = urlFor(partNumber);
      // Sign ahead of need: the part this worker reaches after the others have taken theirs.
      void urlFor(partNumber + config.concurrency)?.catch(() => {});
      const url = await signed;
      const start = (partNumber - 1) * partSize;
      etags[partNumber - 1] = await put(
        url as string,
        file.slice(start, Math.min(file.size, start + partSize)),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, count) }, worker));
  results.push(
    await post(config.appUrl, 'multipart/complete', {
      uploadId: session.uploadId,
      key: session.key,
      token: session.token,
      parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })),
      file: describe(file),
    }),
  );
}

/** Uploads every file; the results array is kept, as an app keeps what `complete` answered. */
export async function runRaw(
  config: RunConfig,
  files: readonly File[],
  results: unknown[],
): Promise<Outcome> {
  const outcome = { done: 0, failed: 0 };
  const settle = (work: Promise<void>) =>
    work.then(
      () => void outcome.done++,
      () => void outcome.failed++,
    );
  const small = files.filter((file) => file.size < config.threshold);
  let next = 0;
  const worker = async () => {
    while (next < small.length) await settle(single(config, small[next++] as File, results));
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, small.length) }, worker));
  for (const file of files.filter((f) => f.size >= config.threshold))
    await settle(multipart(config, file, results));
  return outcome;
}
