import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  // public/mockServiceWorker.js: the MSW service worker the stories' mocks run in.
  staticDirs: ['../public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The TypeScript-API docgen follows imported types (Uploader's props are the hook's options),
  // which react-docgen cannot. It needs a TypeScript with a compiler API: 6.x, not 7.
  typescript: { reactDocgen: 'react-docgen-typescript' },
};
export default config;
