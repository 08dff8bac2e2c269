import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Kept in step with scripts/ensure-tools.sh, which builds it. */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';

export interface RunningMinio {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

export function minioBinary(): string {
  const cache = process.env.UPKIT_CACHE ?? join(homedir(), '.cache/upkit');
  return join(cache, `minio-${MINIO_VERSION}`, 'minio');
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts MinIO on 127.0.0.1 with a fresh data folder; `stop()` kills it and removes the data.
 * `env` adds MinIO settings (a KMS key, notification targets).
 */
export async function startMinio(options: { env?: Record<string, string> } = {}): Promise<RunningMinio> {
  const dataDir = await mkdtemp(join(tmpdir(), 'upkit-minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKeyId = 'upkit-test';
  const secretAccessKey = 'upkit-test-secret-key';
  const child: ChildProcess = spawn(
    minioBinary(),
    [
      'server',
      dataDir,
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      '--quiet',
    ],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_BROWSER: 'off',
        ...options.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  // Bounded wait for the health endpoint: 200 tries, 50 ms apart.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${endpoint}/minio/health/live`);
      if (response.ok) return { endpoint, accessKeyId, secretAccessKey, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`MinIO did not start (run scripts/ensure-tools.sh): ${stderr.slice(0, 500)}`);
}
