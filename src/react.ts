// The `upkit/react` entry: the hooks and the headless parts built on them.
export * from './react/index';
export * from './headless/index';
