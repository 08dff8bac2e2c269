// The `upkit/react` entry: the hooks and the headless parts built on them.
export * from './react/index.js';
export * from './headless/index.js';
