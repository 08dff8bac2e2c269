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
  msw: 'src/msw/index.ts',
  styled: 'src/styled/index.ts',
};

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'zustand',
  'zustand/vanilla',
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
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/upkit-[hash].js' },
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
          exclude: ['tests/e2e/**', 'node_modules/**'],
          setupFiles: ['tests/setup.ts'],
          typecheck: { enabled: true, include: ['tests/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
          benchmark: { include: ['bench/**/*.bench.ts'] },
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
