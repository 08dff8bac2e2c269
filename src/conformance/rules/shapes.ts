import {
  bareEtag,
  expectError,
  expectOkJsonOrEmpty,
  expectOkObject,
  fail,
  headerOf,
  isRecord,
} from '../checks.js';
import {
  createUpload,
  descriptor,
  entryFor,
  MiB,
  partCount,
  putOk,
  readPresigned,
  signParts,
} from '../flows.js';
import type { ConformanceRule } from '../rule.js';

const GiB = 1024 * MiB;

/** When `expiresAt` says a URL stops working, in epoch ms (it passed `expiresAtProblem`). */
const expiryMs = (value: unknown) => (typeof value === 'number' ? value : Date.parse(String(value)));

/** The success shapes of the one-file endpoints. */
export const shapeRules: ConformanceRule[] = [
  {
    id: 'presign-shape',
    description:
      'presign answers url, method "PUT" or none, headers of strings with Content-Type, key, token and expiresAt (ISO 8601 or epoch ms)',
    async run(ctx) {
      const reply = await ctx.a.call('presign', { file: descriptor(2048, ctx.allowedType, 'cat.png') });
      const presigned = readPresigned(expectOkObject(reply), 'presign');
      if (headerOf(presigned.headers, 'content-type') === undefined) {
        fail(
          `presign: expected a Content-Type in "headers" (sign the type and return it), got ${JSON.stringify(presigned.headers)}`,
        );
      }
      const date = reply.headers.get('date');
      if (!date)
        fail(
          'presign: expected a Date response header (the client moves expiresAt onto its clock with it), got none',
        );
      if (presigned.expiresAt != null && expiryMs(presigned.expiresAt) <= Date.parse(date)) {
        fail(
          `presign: expected expiresAt after the answer's Date (${date}), got ${JSON.stringify(presigned.expiresAt)}`,
        );
      }
      return `headers {${Object.keys(presigned.headers).join(', ')}}, ${presigned.token ? 'a token, ' : 'no token, '}expiresAt ${JSON.stringify(presigned.expiresAt)}`;
    },
  },
  {
    id: 'create-shape',
    description:
      'multipart/create answers uploadId, key, token and a partSize of 5 MiB to 5 GiB making at most 10,000 parts',
    async run(ctx) {
      const size = 12 * MiB;
      const { body, partSize } = await createUpload(ctx, 'a', descriptor(size, ctx.allowedType, 'movie.png'));
      if (body.partSize !== undefined) {
        if (!Number.isSafeInteger(partSize) || partSize < 5 * MiB || partSize > 5 * GiB) {
          fail(
            `multipart/create: expected "partSize" to be an integer from 5 MiB to 5 GiB, got ${JSON.stringify(body.partSize)}`,
          );
        }
        if (partCount(size, partSize) > 10_000)
          fail(`multipart/create: expected a partSize making at most 10,000 parts, got ${partSize}`);
      }
      return `partSize ${JSON.stringify(body.partSize)}`;
    },
  },
  {
    id: 'sign-parts-shape',
    description:
      'multipart/sign-parts answers exactly one valid entry per requested part number, and the URLs take the parts',
    async run(ctx) {
      // Three parts of 5 MiB parts (two whole ones and 1,000 bytes), asked for out of order.
      const size = 2 * 5 * MiB + 1000;
      const { session, partSize } = await createUpload(ctx, 'a', descriptor(size, ctx.allowedType));
      const count = partCount(size, partSize);
      const asked = Array.from({ length: count }, (_, i) => count - i);
      const entries = await signParts(ctx.a, session, asked);
      const numbers = [...entries.keys()].sort((x, y) => x - y);
      if (numbers.join() !== [...asked].reverse().join()) {
        fail(
          `multipart/sign-parts: expected one entry for each of parts ${asked.join(', ')}, got entries for ${numbers.join(', ')}`,
        );
      }
      // The last part is the small one: a real PUT of its exact length.
      const last = entryFor(entries, count);
      const length = size - (count - 1) * partSize;
      const stored = await putOk(ctx.a, last.url, ctx.bytes(length), last.headers, `PUT of part ${count}`);
      if (!stored.etag) fail(`PUT of part ${count}: expected an ETag from storage, got none`);
      return `entries for ${asked.join(', ')}`;
    },
  },
  {
    id: 'list-parts-shape',
    description:
      "multipart/list-parts lists the parts storage holds, each with partNumber, its PUT's etag and size",
    async run(ctx) {
      const size = 5 * MiB + 1000;
      const { session, partSize } = await createUpload(ctx, 'a', descriptor(size, ctx.allowedType));
      // Only the last part is PUT: the list must hold it, and nothing else.
      const last = partCount(size, partSize);
      const length = size - (last - 1) * partSize;
      const entry = entryFor(await signParts(ctx.a, session, [last]), last);
      const stored = await putOk(ctx.a, entry.url, ctx.bytes(length), entry.headers, `PUT of part ${last}`);
      const body = expectOkObject(await ctx.a.call('multipart/list-parts', session));
      if (!Array.isArray(body.parts))
        fail(`multipart/list-parts: expected "parts" to be an array, got ${JSON.stringify(body)}`);
      const expected = { partNumber: last, etag: bareEtag(stored.etag), size: length };
      const listed = (body.parts as unknown[]).map((p) =>
        isRecord(p)
          ? {
              partNumber: p.partNumber,
              etag: typeof p.etag === 'string' ? bareEtag(p.etag) : p.etag,
              size: p.size,
            }
          : p,
      );
      if (JSON.stringify(listed) !== JSON.stringify([expected])) {
        fail(
          `multipart/list-parts: expected exactly ${JSON.stringify([expected])} (quotes aside), got ${JSON.stringify(body.parts)}`,
        );
      }
    },
  },
  {
    id: 'abort-shape',
    description:
      'multipart/abort answers 2xx (empty or JSON), and 2xx again when the upload is already aborted',
    async run(ctx) {
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      expectOkJsonOrEmpty(await ctx.a.call('multipart/abort', session), 'multipart/abort');
      expectOkJsonOrEmpty(
        await ctx.a.call('multipart/abort', session),
        'multipart/abort of an aborted upload',
      );
    },
  },
  {
    id: 'list-parts-gone',
    description:
      'multipart/list-parts answers 404 (or 410) once the upload is gone, so the client starts afresh',
    async run(ctx) {
      const { session } = await createUpload(ctx, 'a', descriptor(4096, ctx.allowedType));
      expectOkJsonOrEmpty(await ctx.a.call('multipart/abort', session), 'multipart/abort');
      expectError(
        await ctx.a.call('multipart/list-parts', session),
        [404, 410],
        'multipart/list-parts after abort',
      );
    },
  },
];
