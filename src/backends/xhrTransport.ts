import { abortedError, UploadError } from '../core/errors.js';
import { storageError } from '../core/storageError.js';
import type { Transport, TransportRequest, TransportResponse } from '../core/types.js';

/**
 * PUTs a Blob with XMLHttpRequest: the one browser API that reports upload progress everywhere
 * (fetch upload streams need HTTP/2 and full duplex). The Blob is streamed from disk by the
 * browser; it is never read into memory.
 */
export const xhrTransport: Transport = (request: TransportRequest) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const { url, method = 'PUT', headers = {}, body, signal, onProgress, stallTimeoutMs } = request;
    if (signal.aborted) return reject(abortedError());
    const xhr = new XMLHttpRequest();
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    let stalled = false;

    const done = () => {
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', onAbort);
    };
    // Any sign of life re-arms the watchdog; silence for stallTimeoutMs aborts and retries.
    const armStallTimer = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, stallTimeoutMs);
    };
    const onAbort = () => xhr.abort();

    xhr.open(method, url, true);
    for (const [name, value] of Object.entries(headers)) {
      // The browser sets these itself and refuses to let scripts do it.
      if (/^(host|content-length)$/i.test(name)) continue;
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (event) => {
      armStallTimer();
      onProgress(event.loaded);
    });
    xhr.upload.addEventListener('load', armStallTimer);
    xhr.addEventListener('load', () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag') ?? undefined });
      } else {
        reject(storageError(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    });
    xhr.addEventListener('error', () => {
      done();
      // Status 0 with no response: offline, DNS, TLS, connection reset, or a CORS refusal.
      reject(
        new UploadError(
          'network',
          'The upload to storage failed before a response arrived: the connection dropped, or ' +
            "the bucket's CORS rule does not allow this origin and method.",
        ),
      );
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(
        stalled
          ? new UploadError('stalled', `No upload progress for ${stallTimeoutMs / 1000} s; retrying.`)
          : abortedError(),
      );
    });
    signal.addEventListener('abort', onAbort, { once: true });
    armStallTimer();
    xhr.send(body);
  });
