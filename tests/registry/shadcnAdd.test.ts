// @vitest-environment node
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { resolveConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// issue 12: the registry item as a user gets it. `npx shadcn add` of the path docs/shadcn.md gives
// (the item the package ships, in node_modules/upkit) into a Vite + React + shadcn/ui app, then
// that app's own strict `tsc` against the declarations upkit publishes. Offline: a server on
// 127.0.0.1 stands in for ui.shadcn.com, serving `button` and `progress` with shadcn's props.

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const shadcn = join(root, 'node_modules/shadcn/dist/index.js');
const ITEM = 'src/components/upkit-uploader.tsx';

interface PackageJson {
  version: string;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson;

// What `shadcn init` leaves in a Vite app: components.json, the `@/` alias, Tailwind 4, lib/utils.
// upkit is listed, as installed before the add: the CLI installs only what package.json lacks.
const appFiles: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'app',
    private: true,
    type: 'module',
    dependencies: {
      '@tanstack/react-query': '^5.0.0',
      react: '^19.0.0',
      'react-dom': '^19.0.0',
      upkit: `^${pkg.version}`,
    },
    devDependencies: { tailwindcss: '^4.0.0', typescript: '^6.0.0', vite: '^8.0.0' },
  }),
  'components.json': JSON.stringify({
    $schema: 'https://ui.shadcn.com/schema.json',
    style: 'new-york',
    rsc: false,
    tsx: true,
    tailwind: { config: '', css: 'src/index.css', baseColor: 'neutral', cssVariables: true, prefix: '' },
    iconLibrary: 'lucide',
    aliases: {
      components: '@/components',
      utils: '@/lib/utils',
      ui: '@/components/ui',
      lib: '@/lib',
      hooks: '@/hooks',
    },
  }),
  // create-vite's react-ts tsconfig.app.json, with shadcn's alias and two stricter checks.
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      useDefineForClassFields: true,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      types: ['vite/client'],
      skipLibCheck: true,
      moduleResolution: 'bundler',
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      moduleDetection: 'force',
      noEmit: true,
      jsx: 'react-jsx',
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      erasableSyntaxOnly: true,
      noFallthroughCasesInSwitch: true,
      noUncheckedSideEffectImports: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      paths: { '@/*': ['./src/*'] },
    },
    include: ['src'],
  }),
  'vite.config.ts': 'export default {};\n',
  'src/index.css': '@import "tailwindcss";\n',
  'src/lib/utils.ts': `// shadcn's cn (clsx + tailwind-merge), with its signature.
type ClassValue = string | number | bigint | boolean | null | undefined | ClassValue[] | Record<string, unknown>;
export function cn(...inputs: ClassValue[]): string {
  return inputs.filter((input) => typeof input === 'string' && input !== '').join(' ');
}
`,
  // What the app's own code does with the item: the README's use.
  'src/App.tsx': `import { UpkitUploader } from '@/components/upkit-uploader';

export function App() {
  return (
    <UpkitUploader
      endpoint="/api/upload"
      accept={['image/*', '.pdf']}
      maxFileSize={20 * 1024 * 1024}
      folders
      onSuccess={(item) => console.log('stored as', item.key)}
      className="max-w-lg"
    />
  );
}
`,
};

/** A registry item of one `registry:ui` file, as ui.shadcn.com serves them. */
const uiItem = (name: string, content: string) =>
  JSON.stringify({
    $schema: 'https://ui.shadcn.com/schema/registry-item.json',
    name,
    type: 'registry:ui',
    files: [{ path: `registry/new-york-v4/ui/${name}.tsx`, type: 'registry:ui', content }],
  });

// new-york-v4's `button` and `progress` with their props (Radix's Progress.Root's for
// `progress`), in plain React: the props are what the item is checked against.
const shadcnRegistry: Readonly<Record<string, string>> = {
  '/r/styles/new-york-v4/button.json': uiItem(
    'button',
    `import type * as React from 'react';
import { cn } from '@/lib/utils';

type ButtonProps = React.ComponentProps<'button'> & {
  variant?: 'default' | 'destructive' | 'outline' | 'secondary' | 'ghost' | 'link' | null;
  size?: 'default' | 'xs' | 'sm' | 'lg' | 'icon' | 'icon-xs' | 'icon-sm' | 'icon-lg' | null;
  asChild?: boolean;
};

function Button({ className, variant = 'default', size = 'default', asChild = false, ...props }: ButtonProps) {
  return (
    <button
      data-slot="button"
      data-variant={variant}
      data-size={size}
      data-as-child={asChild || undefined}
      className={cn(className)}
      {...props}
    />
  );
}

export { Button };
`,
  ),
  '/r/styles/new-york-v4/progress.json': uiItem(
    'progress',
    `'use client';
import type * as React from 'react';
import { cn } from '@/lib/utils';

type ProgressProps = React.ComponentProps<'div'> & {
  value?: number | null | undefined;
  max?: number;
  getValueLabel?(value: number, max: number): string;
};

function Progress({ className, value, max = 100, getValueLabel, ...props }: ProgressProps) {
  return (
    <div
      role="progressbar"
      data-slot="progress"
      aria-valuemax={max}
      aria-valuenow={value ?? undefined}
      aria-valuetext={value == null ? undefined : getValueLabel?.(value, max)}
      className={cn(className)}
      {...props}
    />
  );
}

export { Progress };
`,
  ),
  // Read for the theme's colours, which the item does not touch.
  '/r/colors/neutral.json': JSON.stringify({
    inlineColors: { light: {}, dark: {} },
    cssVars: { light: {}, dark: {} },
    inlineColorsTemplate: '',
    cssVarsTemplate: '',
  }),
};

let app: string;
let server: Server;
const served: string[] = [];
let added: { stdout: string; stderr: string };

/** `npx shadcn ...` in the app, its registry the server on 127.0.0.1. */
const shadcnIn = (cwd: string, ...args: string[]) => {
  const { port } = server.address() as { port: number };
  return run(process.execPath, [shadcn, ...args], {
    cwd,
    // A CLI waiting on a prompt fails here, not at the hook's timeout.
    timeout: 90_000,
    env: { ...process.env, REGISTRY_URL: `http://127.0.0.1:${port}/r`, NO_COLOR: '1', CI: '1' },
  });
};

async function writeApp(dir: string) {
  for (const [path, text] of Object.entries(appFiles)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

beforeAll(async () => {
  // ui.shadcn.com's part, and under /upkit/r/ the files of this repo's public/r.
  server = createServer(async (request, response) => {
    const url = request.url ?? '';
    served.push(url);
    const body = url.startsWith('/upkit/r/')
      ? await readFile(join(root, 'public/r', basename(url)), 'utf8').catch(() => undefined)
      : shadcnRegistry[url];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  app = await mkdtemp(join(tmpdir(), 'upkit-shadcn-app-'));
  await writeApp(app);
  // upkit as npm installs it: package.json, the declarations `npm run build` emits, and dist/r,
  // the copy of public/r that the build makes (checked below).
  const upkit = join(app, 'node_modules/upkit');
  await mkdir(upkit, { recursive: true });
  await cp(join(root, 'package.json'), join(upkit, 'package.json'));
  await cp(join(root, 'public/r'), join(upkit, 'dist/r'), { recursive: true });
  await run(process.execPath, [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(root, 'tsconfig.build.json'),
    '--outDir',
    join(upkit, 'dist/types'),
  ]);
  // Its dependencies and peers, React's types and Vite's: this repo's copies.
  const installed = [
    ...Object.keys(pkg.dependencies),
    ...Object.keys(pkg.peerDependencies),
    '@types/react',
    '@types/react-dom',
    'vite',
  ];
  for (const name of installed) {
    await mkdir(dirname(join(app, 'node_modules', name)), { recursive: true });
    await symlink(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  }

  added = await shadcnIn(app, 'add', './node_modules/upkit/dist/r/upkit-uploader.json', '--yes');
}, 240_000);

afterAll(async () => {
  server?.close();
  if (app) await rm(app, { recursive: true, force: true });
});

describe('npx shadcn add ./node_modules/upkit/dist/r/upkit-uploader.json', () => {
  it('writes the component, with the Button and Progress it asks for, and installs nothing', async () => {
    expect(`${added.stdout}${added.stderr}`).toMatch(/Created 3 files/);
    expect(await readFile(join(app, ITEM), 'utf8')).toBe(
      await readFile(join(root, 'registry/upkit/upkit-uploader.tsx'), 'utf8'),
    );
    expect(served).toContain('/r/styles/new-york-v4/button.json');
    expect(served).toContain('/r/styles/new-york-v4/progress.json');
    // upkit and TanStack Query were listed already: the CLI ran no `npm install`.
    expect(await readFile(join(app, 'package.json'), 'utf8')).toBe(appFiles['package.json']);
    await expect(readFile(join(app, 'package-lock.json'))).rejects.toThrow(/ENOENT/);
  });

  it("typechecks in a strict Vite + React app against upkit's published declarations", async () => {
    // tsc prints its errors on stdout, and exits 2.
    const { stdout } = await run(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      app,
    ]).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(stdout).toBe('');
  }, 120_000);

  it('takes the same item from a URL serving public/r', async () => {
    const other = await mkdtemp(join(tmpdir(), 'upkit-shadcn-url-'));
    try {
      await writeApp(other);
      const { port } = server.address() as { port: number };
      await shadcnIn(other, 'add', `http://127.0.0.1:${port}/upkit/r/upkit-uploader.json`, '--yes');
      expect(await readFile(join(other, ITEM), 'utf8')).toBe(await readFile(join(app, ITEM), 'utf8'));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the npm package', () => {
  it('ships the built item as dist/r/upkit-uploader.json: `npm run build` copies public/ into dist/', async () => {
    // Vite's publicDir, copied into outDir by `vite build`; package.json's `files` has dist.
    const config = await resolveConfig(
      { configFile: join(root, 'vite.config.ts'), root, logLevel: 'silent' },
      'build',
      'production',
    );
    expect(config.publicDir).toBe(join(root, 'public'));
    expect(config.build.copyPublicDir).toBe(true);
    expect(config.build.outDir).toBe('dist');
    expect(pkg.files).toContain('dist');
  }, 60_000);
});
