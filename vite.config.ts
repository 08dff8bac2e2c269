import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumPath } from './scripts/chromium';

const chromium = () => playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } });

// One entry per public subpath; shared code lands in shared chunks, so `upkit/react` does not
// carry a second copy of the engine.
const entries = {
  index: 'src/index.ts',
  react: 'src/react.ts',
  server: 'src/server/index.ts',
  conformance: 'src/conformance/index.ts',
  msw: 'src/msw/index.ts',
  styled: 'src/styled/index.ts',
};

// React 18 is installed as the dependencies of a local package (tests/react18/runtime, linked as
// upkit-react18-runtime), where react-dom 18 finds react 18 beside it. npm aliases (react18:
// npm:react@18.3.1) do not work: npm refuses react-dom 18's peer react@^18 beside the root's 19
// (ERESOLVE, overrides or not), and react-dom's own require('react') would reach 19 anyway.
const react18Dir = (name: string) =>
  fileURLToPath(new URL(`node_modules/upkit-react18-runtime/node_modules/${name}`, import.meta.url));
const react18Version = (
  JSON.parse(readFileSync(new URL('tests/react18/runtime/package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies.react;

// The visual project's page: tall enough for its longest subject (every state, with the status
// bar, in French), as a capture of what lies below the viewport comes out blank.
const visualViewport = { width: 800, height: 1600 };

const clientEntries = new Set(['react', 'styled']);

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'zustand',
  'zustand/vanilla',
  'idb',
  '@aws-sdk/client-s3',
  '@aws-sdk/s3-request-presigner',
  'file-type',
  'mime',
  'msw',
  'virtua',
];

export default defineConfig({
  plugins: [react()],
  // Tests and examples import the package by its public names, as users do.
  resolve: {
    alias: [
      { find: /^upkit$/, replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)) },
      { find: /^upkit\/react$/, replacement: fileURLToPath(new URL('src/react.ts', import.meta.url)) },
      { find: /^upkit\/msw$/, replacement: fileURLToPath(new URL('src/msw/index.ts', import.meta.url)) },
      {
        find: /^upkit\/server$/,
        replacement: fileURLToPath(new URL('src/server/index.ts', import.meta.url)),
      },
      {
        find: /^upkit\/conformance$/,
        replacement: fileURLToPath(new URL('src/conformance/index.ts', import.meta.url)),
      },
      {
        find: /^upkit\/styled$/,
        replacement: fileURLToPath(new URL('src/styled/index.ts', import.meta.url)),
      },
      {
        find: /^upkit\/styles\.css$/,
        replacement: fileURLToPath(new URL('src/styled/styles.css', import.meta.url)),
      },
    ],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: { entry: entries, formats: ['es'] },
    rolldownOptions: {
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/upkit-[hash].js',
        // The React entries are client modules: a Server Component (the Next.js App Router's
        // default) may import and render `<Uploader>` and the headless parts, which then run on the
        // client. The core and server entries stay plain modules.
        banner: (chunk) => (chunk.isEntry && clientEntries.has(chunk.name) ? "'use client';" : ''),
      },
    },
  },
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['tests/**/*.test.{ts,tsx}'],
          exclude: [
            'tests/e2e/**',
            'tests/visual/**',
            'tests/consumers/**',
            'tests/package/package.test.ts',
            'tests/package/apiReport.test.ts',
            'node_modules/**',
          ],
          setupFiles: ['tests/setup.ts'],
          typecheck: { enabled: true, include: ['tests/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
          benchmark: { include: ['bench/**/*.bench.ts'] },
        },
      },
      {
        // The hooks and components again on React 18, the oldest React the peer range allows.
        // Every module that imports React must get this one copy (tests/react18 checks): aliases
        // serve our code and the inlined libraries; react-dom 18 finds react 18 beside it.
        extends: true,
        resolve: {
          alias: [
            { find: /^react(\/.*)?$/, replacement: `${react18Dir('react')}$1` },
            { find: /^react-dom(\/.*)?$/, replacement: `${react18Dir('react-dom')}$1` },
            // Its `main` is CommonJS, whose require('react') Node resolves to 19; its ESM build's imports
            // go through these aliases.
            {
              find: /^@testing-library\/react$/,
              replacement: fileURLToPath(
                new URL(
                  'node_modules/@testing-library/react/dist/@testing-library/react.esm.js',
                  import.meta.url,
                ),
              ),
            },
          ],
        },
        test: {
          name: 'react18',
          environment: 'jsdom',
          include: [
            'tests/react/**/*.test.tsx',
            'tests/headless/**/*.test.tsx',
            'tests/styled/**/*.test.tsx',
            'tests/react18/**/*.test.tsx',
          ],
          setupFiles: ['tests/setup.ts'],
          provide: { reactVersion: react18Version },
          // Left to Node, these would import the root's React 19.
          server: { deps: { inline: ['@testing-library/react', '@tanstack/react-query', 'virtua'] } },
        },
      },
      {
        // The package as users meet it: built and packed once (global setup), then required from
        // CommonJS, type-checked under three module resolutions, checked by attw, measured.
        extends: true,
        test: {
          name: 'package',
          environment: 'node',
          include: [
            'tests/consumers/**/*.test.ts',
            'tests/package/package.test.ts',
            'tests/package/apiReport.test.ts',
          ],
          globalSetup: ['tests/consumers/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The real path: MinIO built from source, real presigned URLs, real Chromium.
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Benchmarks of what the browser draws (npm run bench:ui); no tests of its own.
        extends: true,
        test: {
          name: 'bench-ui',
          include: [],
          benchmark: { include: ['bench/**/*.bench.tsx'] },
          browser: {
            enabled: true,
            headless: true,
            provider: chromium(),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // Screenshots of the styled components, compared with tests/visual/__screenshots__ (update:
        // vitest run --project visual --update). A fixed page, so the pixels depend on the CSS only.
        extends: true,
        test: {
          name: 'visual',
          include: ['tests/visual/**/*.test.tsx'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
              contextOptions: {
                // The tester page holds the test's iframe and shrinks it to fit: at least as big,
                // so screenshots stay at scale 1.
                viewport: visualViewport,
                deviceScaleFactor: 1,
                colorScheme: 'light',
                reducedMotion: 'reduce',
                locale: 'en-US',
                timezoneId: 'UTC',
              },
            }),
            instances: [{ browser: 'chromium' }],
            viewport: visualViewport,
            // A failed comparison writes its own actual and diff images (.vitest-attachments/); a
            // page screenshot would land beside the references.
            screenshotFailures: false,
            expect: {
              toMatchScreenshot: {
                comparatorName: 'pixelmatch',
                // Same machine, same Chromium: captures are pixel-identical, busy or not. 0.05 (the
                // default is 0.1) still fails a one-step colour change (blue-700 to blue-600) and
                // forgives a channel or two; a few stray pixels at most.
                comparatorOptions: { threshold: 0.05, allowedMismatchedPixels: 20 },
              },
            },
          },
        },
      },
      {
        // Every story's play function, with an axe check, in real Chromium.
        extends: true,
        plugins: [storybookTest({ configDir: '.storybook' })],
        test: {
          name: 'storybook',
          browser: {
            enabled: true,
            headless: true,
            provider: chromium(),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
