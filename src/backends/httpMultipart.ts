// httpBackend's multipart calls: a chunk of their own, fetched with the first multipart upload
// (as the multipart engine is), so an app of single PUTs does not load their parsing.
import type { MultipartSession, RequestContext, SignedPart, UploadedPart } from '../core/types.js';
import { invalid, isRecord, parseRequest, type Call } from './httpBackend.js';

function parseSession(value: unknown, endpoint: string): MultipartSession {
  if (!isRecord(value) || typeof value.uploadId !== 'string' || typeof value.key !== 'string') {
    throw invalid(endpoint, 'lacks "uploadId" and "key" strings');
  }
  if (value.partSize !== undefined && !Number.isSafeInteger(value.partSize)) {
    throw invalid(endpoint, 'has a "partSize" that is not an integer');
  }
  return {
    uploadId: value.uploadId,
    key: value.key,
    ...(typeof value.token === 'string' ? { token: value.token } : {}),
    ...(typeof value.partSize === 'number' ? { partSize: value.partSize } : {}),
    ...(value.checksumAlgorithm === 'SHA256' ? { checksumAlgorithm: 'SHA256' as const } : {}),
  };
}

/** The multipart endpoints of docs/protocol.md over httpBackend's `call`. */
export function multipartCalls(call: Call) {
  return {
    async createMultipart(file: object, ctx: RequestContext, plan: object): Promise<MultipartSession> {
      const { json } = await call('multipart/create', { file, ...plan }, ctx);
      return parseSession(json, 'multipart/create');
    },
    async signParts(ref: object, ctx: RequestContext): Promise<SignedPart[]> {
      const { json, skewMs } = await call('multipart/sign-parts', ref, ctx);
      if (!isRecord(json) || !Array.isArray(json.parts))
        throw invalid('multipart/sign-parts', 'lacks a "parts" array');
      return json.parts.map((part: unknown) => {
        if (!isRecord(part) || !Number.isInteger(part.partNumber)) {
          throw invalid('multipart/sign-parts', 'has a part without an integer "partNumber"');
        }
        return {
          partNumber: part.partNumber as number,
          ...parseRequest(part, 'multipart/sign-parts', skewMs),
        };
      });
    },
    async listParts(ref: object, ctx: RequestContext): Promise<UploadedPart[]> {
      const { json } = await call('multipart/list-parts', ref, ctx);
      if (!isRecord(json) || !Array.isArray(json.parts))
        throw invalid('multipart/list-parts', 'lacks a "parts" array');
      return json.parts.map((part: unknown) => {
        if (!isRecord(part) || typeof part.partNumber !== 'number' || typeof part.etag !== 'string') {
          throw invalid('multipart/list-parts', 'has a part without "partNumber" and "etag"');
        }
        return {
          partNumber: part.partNumber,
          etag: part.etag,
          ...(typeof part.size === 'number' ? { size: part.size } : {}),
          ...(typeof part.checksum === 'string' ? { checksum: part.checksum } : {}),
        };
      });
    },
    async completeMultipart(ref: object, ctx: RequestContext): Promise<unknown> {
      return (await call('multipart/complete', ref, ctx)).json;
    },
    async abortMultipart(ref: object, ctx: RequestContext): Promise<void> {
      await call('multipart/abort', ref, ctx);
    },
  };
}
