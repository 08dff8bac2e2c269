import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';

const preview: Preview = {
  loaders: [mswLoader()],
  parameters: {
    // Every story's play test fails on an axe violation.
    a11y: { test: 'error' },
    layout: 'padded',
  },
  tags: ['autodocs'],
};
export default preview;
