import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

// issue 13: a Next.js App Router app (the route handler of examples/nextjs, a client component
// with the styled uploader and a headless one, and a Server Component rendering <Uploader>),
// built by `next build` from the packed package. The fixture has its
// own node_modules (npm ci in the fixture); upkit itself is the tarball of the global setup.
const work = join(import.meta.dirname, '.work');
const fixture = join(import.meta.dirname, 'fixtures/next-app');
const app = join(work, 'next-app');
const root = join(import.meta.dirname, '../..');
const install = 'npm ci --prefix tests/consumers/fixtures/next-app --no-audit --no-fund';

type Manifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const fixturePkg = manifest(fixture);
const pinned = { ...fixturePkg.dependencies, ...fixturePkg.devDependencies };

// Next's own output, under Vitest's NODE_ENV=test, would be a non-standard build.
const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  CI: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

// Hard links give the copy a real node_modules in well under a second, without a second 400 MB:
// Turbopack refuses a node_modules symlink that leaves the app's root ("Could not find the Next.js
// package"), and building in the fixture itself would write .next and upkit into the tracked tree.
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else linkSync(source, target);
  }
}

// The files of the build under `dir` that end in `extension` (source maps left out: they quote
// the sources, not what runs), by path.
function files(dir: string, extension: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith(extension))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}
// Which of `needles` each file holds, as "needle in file": a short failure, not a bundle dump.
const found = (bundle: Map<string, string>, needles: string[]) =>
  [...bundle].flatMap(([name, text]) =>
    needles.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${name}`),
  );

function checkInstalled(): void {
  const missing = Object.entries(pinned).filter(([name, version]) => {
    const installed = join(fixture, 'node_modules', name, 'package.json');
    return !existsSync(installed) || JSON.parse(readFileSync(installed, 'utf8')).version !== version;
  });
  if (missing.length > 0) {
    throw new Error(
      `The Next.js fixture is not installed or is stale (${missing.map(([name]) => name).join(', ')}): run \`${install}\` from the repo root.`,
    );
  }
}

it('pins upkit runtime dependencies and peers at the versions upkit ships and tests with', () => {
  const upkit = manifest(join(work, 'node_modules/upkit'));
  const rootDev = manifest(root).devDependencies!;
  // An exact version in the packed package, the same in the app: drift fails here, not in Next.
  expect(upkit.dependencies).toBeDefined();
  for (const [name, version] of Object.entries(upkit.dependencies!)) {
    expect({ name, version: fixturePkg.dependencies?.[name] }).toEqual({ name, version });
  }
  for (const name of [
    'react',
    'react-dom',
    '@tanstack/react-query',
    '@aws-sdk/client-s3',
    '@aws-sdk/s3-request-presigner',
  ]) {
    expect(upkit.peerDependencies).toHaveProperty([name]);
    expect({ name, version: fixturePkg.dependencies?.[name] }).toEqual({ name, version: rootDev[name] });
  }
});

it('builds with next build: the route on the server, the uploader and no AWS SDK in the browser', () => {
  checkInstalled();
  rmSync(app, { recursive: true, force: true });
  cpSync(fixture, app, { recursive: true, filter: (source) => source !== join(fixture, 'node_modules') });
  // The route is examples/nextjs as users copy it (lib/upload.ts and the route module), built
  // with none of its settings in the environment, as a container image is.
  for (const part of ['lib', 'app/api']) {
    cpSync(join(root, 'examples/nextjs', part), join(app, part), { recursive: true });
  }
  linkTree(join(fixture, 'node_modules'), join(app, 'node_modules'));
  const upkit = join(app, 'node_modules/upkit');
  rmSync(upkit, { recursive: true, force: true });
  mkdirSync(upkit);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('the global setup left no tarball in tests/consumers/.work');
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', upkit, '--strip-components=1']);

  try {
    execFileSync(join(app, 'node_modules/.bin/next'), ['build'], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 280_000,
      env,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout}${stderr}`, { cause: error });
  }

  const routes = JSON.parse(
    readFileSync(join(app, '.next/server/app-paths-manifest.json'), 'utf8'),
  ) as Record<string, string>;
  expect(routes).toMatchObject({
    '/page': 'app/page.js',
    '/server-component/page': 'app/server-component/page.js',
    '/api/upload/[...op]/route': 'app/api/upload/[...op]/route.js',
  });

  const server = files(join(app, '.next/server'), '.js');
  const client = files(join(app, '.next/static'), '.js');
  const css = files(join(app, '.next/static'), '.css');
  expect(found(client, ['Drop files here or choose them'])).not.toEqual([]);
  expect(found(css, ['.upkit-dropzone'])).not.toEqual([]);
  // Names that survive minification: each is in the server bundle (so its absence below means
  // something), and none reaches the browser. getSignedUrl is minified away even on the server.
  const sdk = ['@aws-sdk', 'S3Client', 'PutObjectCommand', 'X-Amz-Signature'];
  expect(sdk.filter((marker) => found(server, [marker]).length === 0)).toEqual([]);
  expect(found(client, [...sdk, 'getSignedUrl'])).toEqual([]);
}, 300_000);

let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill();
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

it('serves the prerendered page and answers the route with upkit JSON errors under next start', async () => {
  if (!existsSync(join(app, '.next/BUILD_ID'))) throw new Error('no build to start: see the next build test');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  server = spawn(join(app, 'node_modules/.bin/next'), ['start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: app,
    // Set at run time only, as a container's environment is (the build had none).
    env: { ...env, UPLOAD_BUCKET: 'uploads', UPLOAD_SECRET: 'a run-time secret of at least 32 bytes' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const started = Date.now();
  let page: Response | undefined;
  while (!page) {
    if (server.exitCode !== null || Date.now() - started > 30_000)
      throw new Error(`next start did not serve:\n${output}`);
    page = await fetch(base).catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 100)));
  }
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Drop files here or choose them');
  // <Uploader> rendered by a Server Component: upkit/styled is a client module.
  const fromServer = await fetch(`${base}/server-component`);
  expect(fromServer.status).toBe(200);
  const html = await fromServer.text();
  expect(html).toContain('Drop files here or choose them');
  // Its props crossed from the server: the limits in words come from accept and maxFiles.
  expect(html).toMatch(/PDFs[^<]*3 files at most/);

  // Past authorize, a body that is not JSON: upkit's own 400, for one segment and for two (the
  // reason the route is a catch-all, [...op]).
  for (const path of ['presign', 'multipart/sign-parts']) {
    const response = await fetch(`${base}/api/upload/${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer user1', 'content-type': 'application/json' },
      body: 'not json',
    });
    expect({ path, status: response.status, body: await response.json() }).toEqual({
      path,
      status: 400,
      body: { error: { code: 'bad-request', message: expect.any(String) } },
    });
  }
}, 60_000);
