export { createUploadMocks } from './createUploadMocks';
export type { MockedRequest, UploadMocks, UploadMocksOptions } from './createUploadMocks';
export { mockUploadItem } from './mockUploadItem';
