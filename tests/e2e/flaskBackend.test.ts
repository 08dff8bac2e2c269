import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// issue 11: the Python backend in examples/flask-backend/ runs its own pytest suite against a
// real MinIO (it starts one), with Debian's Python, Flask and boto3 (scripts/ensure-tools.sh).

const root = join(import.meta.dirname, '../..');

it('the Flask backend passes its own pytest suite against MinIO', { timeout: 180_000 }, async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-m', 'pytest', 'examples/flask-backend/tests', '-q'], {
      cwd: root,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
  const summary = output.trim().split('\n').at(-1) ?? '';
  expect(code, output.slice(-4000)).toBe(0);
  expect(summary).toMatch(/^\d+ passed/);
  expect(summary).not.toMatch(/failed|error/);
  // The suite as written: a run that collected nothing would also exit 0 with "no tests ran".
  expect(Number(/^(\d+) passed/.exec(summary)?.[1])).toBeGreaterThanOrEqual(100);
});
