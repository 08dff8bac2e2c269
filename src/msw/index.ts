export { createUploadMocks } from './createUploadMocks.js';
export type { MockedRequest, UploadMocks, UploadMocksOptions } from './createUploadMocks.js';
export { mockUploadItem } from './mockUploadItem.js';
