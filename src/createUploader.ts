import { httpBackend, type HttpBackendOptions } from './backends/httpBackend.js';
import { xhrTransport } from './backends/xhrTransport.js';
import {
  createUploadEngine,
  type UploadEngine,
  type UploadEngineOptions,
} from './core/createUploadEngine.js';
import type { MultipartUploadBackend, SingleUploadBackend } from './core/types.js';

/** Where control calls go: a URL speaking `docs/protocol.md`, or your own backend object. */
export type BackendSource<TResult> =
  | ({
      /** Base URL of the endpoints in `docs/protocol.md`, e.g. `/api/upload`. */
      endpoint: string;
      /** Not with `endpoint`. */
      backend?: never;
    } & Omit<HttpBackendOptions, 'baseUrl'>)
  | {
      /** Not with `backend`. */
      endpoint?: never;
      /** Your own implementation of the backend calls, instead of `endpoint`. */
      backend: Partial<SingleUploadBackend<TResult> & MultipartUploadBackend<TResult>>;
    };

/** Options for {@link createUploader}: the engine's, with browser defaults filled in. */
export type UploaderOptions<TResult = unknown> = BackendSource<TResult> &
  Omit<UploadEngineOptions<TResult>, 'backend' | 'transport'> & {
    /** @default xhrTransport */
    transport?: UploadEngineOptions<TResult>['transport'];
  };

/**
 * Creates an uploader outside React (or to share one across components). The hooks call this
 * for you.
 *
 * @example
 * const uploader = createUploader({ endpoint: '/api/upload' })
 * const items = await uploader.upload(input.files!)
 */
export function createUploader<TResult = unknown>(options: UploaderOptions<TResult>): UploadEngine<TResult> {
  const { endpoint, backend, headers, getHeaders, credentials, timeoutMs, fetch, transport, ...rest } =
    options as UploaderOptions<TResult> & Partial<HttpBackendOptions> & { endpoint?: string };
  if (!backend && !endpoint) {
    throw new TypeError('upkit: pass `endpoint` (the URL of your upload API) or a `backend` object.');
  }
  const resolved =
    backend ??
    httpBackend<TResult>({
      baseUrl: String(endpoint),
      ...(headers ? { headers } : {}),
      ...(getHeaders ? { getHeaders } : {}),
      ...(credentials ? { credentials } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(fetch ? { fetch } : {}),
    });
  return createUploadEngine<TResult>({
    ...rest,
    resumeScope: rest.resumeScope ?? endpoint ?? 'default',
    backend: resolved,
    transport: transport ?? xhrTransport,
  });
}
