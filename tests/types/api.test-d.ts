import { describe, expectTypeOf, it } from 'vitest';
import {
  createUploader,
  httpBackend,
  type MultipartUploadBackend,
  type SingleUploadBackend,
  type UploadEngine,
  type UploadErrorCode,
  type UploadItem,
  type UploadStatus,
} from '../../src/index';
import { useMultipartUpload, usePresignedUpload, useUpload, useUploaderState } from '../../src/react';

interface Stored {
  key: string;
  url: string;
}
declare const single: SingleUploadBackend<Stored>;
declare const multipart: MultipartUploadBackend<Stored>;

describe('public API types', () => {
  it('infers the completion result from the backend', () => {
    const uploader = createUploader({ backend: single, mode: 'single' });
    expectTypeOf(uploader).toEqualTypeOf<UploadEngine<Stored>>();
    expectTypeOf(uploader.upload).returns.resolves.toEqualTypeOf<UploadItem<Stored>[]>();
    expectTypeOf<UploadItem<Stored>['result']>().toEqualTypeOf<Stored | undefined>();
  });

  it('takes an endpoint with httpBackend options, or a backend, but not neither', () => {
    createUploader({ endpoint: '/api/upload', headers: { 'x-csrf': 't' }, getHeaders: () => ({}) });
    createUploader({ backend: httpBackend({ baseUrl: '/api' }) });
    // @ts-expect-error neither endpoint nor backend
    createUploader({ mode: 'single' });
    // @ts-expect-error both endpoint and backend
    createUploader({ endpoint: '/api', backend: single });
  });

  it('hooks accept endpoint options and infer TResult from a backend', () => {
    const a = usePresignedUpload({ endpoint: '/api/upload', headers: { a: 'b' }, accept: 'image/*' });
    expectTypeOf(a.items).toEqualTypeOf<readonly UploadItem<unknown>[]>();
    const b = useMultipartUpload({ backend: multipart, partSize: 16 * 1024 * 1024 });
    expectTypeOf(b.items[0]!.result).toEqualTypeOf<Stored | undefined>();
    const c = useUpload({ endpoint: '/api', multipartThreshold: 1 });
    expectTypeOf(c.status).toEqualTypeOf<'idle' | 'uploading' | 'paused' | 'error' | 'done'>();
    // @ts-expect-error the single-PUT hook has no part size
    usePresignedUpload({ endpoint: '/api', partSize: 1 });
    // @ts-expect-error the mode is fixed by the hook
    useMultipartUpload({ endpoint: '/api', mode: 'single' });
    // @ts-expect-error the hooks run control calls as mutations: a runControl would be ignored
    useUpload({ endpoint: '/api', runControl: (_name, call) => call() });
  });

  it('selects typed slices of state', () => {
    const uploader = createUploader({ backend: single, mode: 'single' });
    const names = useUploaderState(uploader, (s) => s.items.map((i) => i.name));
    expectTypeOf(names).toEqualTypeOf<string[]>();
  });

  it('exposes statuses and error codes as closed unions', () => {
    expectTypeOf<'missing-etag'>().toExtend<UploadErrorCode>();
    expectTypeOf<'url-expired'>().toExtend<UploadErrorCode>();
    expectTypeOf<'uploaded'>().not.toExtend<UploadStatus>();
  });

  it('keeps items immutable', () => {
    const item = {} as UploadItem;
    // @ts-expect-error items are read-only snapshots
    item.status = 'done';
  });
});
