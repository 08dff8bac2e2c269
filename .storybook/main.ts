import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  // public/mockServiceWorker.js: the MSW service worker the stories' mocks run in.
  staticDirs: ['../public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // TypeScript's API-based docgen needs a TS with a compiler API; react-docgen does not.
  typescript: { reactDocgen: 'react-docgen' },
};
export default config;
