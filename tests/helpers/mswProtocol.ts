import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';

export const API = 'http://api.test/upload';
export const STORAGE = 'https://bucket.test';

/**
 * MSW handlers that play both the app's backend (docs/protocol.md) and S3, keeping real bytes.
 * Test-only; the shipped `upkit/msw` handlers are a separate, configurable module.
 */
export function protocolHandlers(api: string = API) {
  const objects = new Map<string, Uint8Array>();
  const uploads = new Map<string, { key: string; parts: Map<number, { etag: string; bytes: Uint8Array }> }>();
  const requests: Array<{ path: string; body: unknown }> = [];
  let n = 0;
  const etagOf = (bytes: Uint8Array) => `"${createHash('md5').update(bytes).digest('hex')}"`;
  const expiresAt = () => new Date(Date.now() + 15 * 60_000).toISOString();

  const handlers = [
    http.post(`${api}/*`, async ({ request }) => {
      const path = request.url.slice(api.length + 1);
      const body = (await request.json()) as Record<string, any>;
      requests.push({ path, body });
      switch (path) {
        case 'presign': {
          const key = `uploads/${n++}/${body.file.name}`;
          return HttpResponse.json({
            url: `${STORAGE}/${encodeURIComponent(key)}?X-Amz-Signature=sig`,
            method: 'PUT',
            headers: { 'Content-Type': body.file.type || 'application/octet-stream' },
            key,
            expiresAt: expiresAt(),
          });
        }
        case 'complete': {
          const object = objects.get(body.key);
          if (!object)
            return HttpResponse.json(
              { error: { code: 'not-found', message: 'No object was uploaded.' } },
              { status: 404 },
            );
          return HttpResponse.json({ key: body.key, size: object.length });
        }
        case 'multipart/create': {
          const uploadId = `u${n++}`;
          const key = `uploads/${uploadId}/${body.file.name}`;
          uploads.set(uploadId, { key, parts: new Map() });
          return HttpResponse.json({ uploadId, key, token: `t-${uploadId}` });
        }
        case 'multipart/sign-parts':
          return HttpResponse.json({
            parts: (body.partNumbers as number[]).map((partNumber) => ({
              partNumber,
              url: `${STORAGE}/${encodeURIComponent(body.key)}?uploadId=${body.uploadId}&partNumber=${partNumber}`,
              expiresAt: expiresAt(),
            })),
          });
        case 'multipart/list-parts': {
          const upload = uploads.get(body.uploadId);
          if (!upload)
            return HttpResponse.json(
              { error: { code: 'not-found', message: 'No such upload' } },
              { status: 404 },
            );
          return HttpResponse.json({
            parts: [...upload.parts].map(([partNumber, p]) => ({
              partNumber,
              etag: p.etag,
              size: p.bytes.length,
            })),
          });
        }
        case 'multipart/complete': {
          const upload = uploads.get(body.uploadId)!;
          const chunks = (body.parts as Array<{ partNumber: number; etag: string }>).map((p) => {
            const part = upload.parts.get(p.partNumber);
            if (!part || part.etag !== p.etag) throw new Error(`bad part ${p.partNumber}`);
            return part.bytes;
          });
          const object = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
          let offset = 0;
          for (const chunk of chunks) {
            object.set(chunk, offset);
            offset += chunk.length;
          }
          objects.set(upload.key, object);
          uploads.delete(body.uploadId);
          return HttpResponse.json({ key: upload.key, size: object.length });
        }
        case 'multipart/abort':
          uploads.delete(body.uploadId);
          return new HttpResponse(null, { status: 204 });
        default:
          return HttpResponse.json({ error: { code: 'not-found', message: path } }, { status: 404 });
      }
    }),
    http.put(`${STORAGE}/:key`, async ({ request, params }) => {
      const bytes = new Uint8Array(await request.arrayBuffer());
      const url = new URL(request.url);
      const uploadId = url.searchParams.get('uploadId');
      const etag = etagOf(bytes);
      if (uploadId) {
        uploads.get(uploadId)?.parts.set(Number(url.searchParams.get('partNumber')), { etag, bytes });
      } else {
        objects.set(decodeURIComponent(params.key as string), bytes);
      }
      return new HttpResponse(null, { status: 200, headers: { ETag: etag } });
    }),
  ];
  return { handlers, objects, uploads, requests };
}
