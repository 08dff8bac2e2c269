import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../demo/minio';

/** Debian's package (`redis-server`); the suite never downloads one. */
export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningRedis {
  port: number;
  url: string;
  /** Ends the server (SIGTERM, then SIGKILL after 5 s) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

// Servers of this process, killed should it exit without stopping them (a crashed test run).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A throwaway redis-server on 127.0.0.1: no persistence, its working folder a fresh temp dir.
 * Resolves once it answers PING. `port` reuses a port (to restart a stopped server in place).
 */
export async function startRedis(options: { port?: number } = {}): Promise<RunningRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'upkit-redis-'));
  const port = options.port ?? (await freePort());
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    // Kept short: only for the error message of a server that never came up.
    if (output.length < 8000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A failed spawn (no binary) emits 'error' and never 'exit'.
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const alive = () => !spawnError && child.exitCode === null && child.signalCode === null;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (alive()) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    })());

  // Bounded: 100 tries, 50 ms apart (5 s).
  for (let attempt = 0; attempt < 100; attempt++) {
    if (!alive()) break;
    if (await pings(port)) return { port, url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(
    `${REDIS_SERVER} did not answer PING on 127.0.0.1:${port}: ${spawnError?.message ?? ''}\n${output}`,
  );
}

/** Whether a server on the port answers an inline `PING` with `+PONG`, within 500 ms. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}
