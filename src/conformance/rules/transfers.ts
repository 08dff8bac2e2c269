import {
  canonical,
  expectError,
  expectOkJsonOrEmpty,
  expectOkObject,
  fail,
  isRecord,
  shown,
} from '../checks.js';
import {
  completeMultipartBody,
  createUpload,
  descriptor,
  PART_SIZE,
  presign,
  putOk,
  putParts,
  tokenField,
  uploaded,
  type FileDescriptor,
} from '../flows.js';
import type { Reply, UserClient } from '../protocolClient.js';
import { needStorage, type RuleContext, type ConformanceRule } from '../rule.js';
import { sha256Hex } from '../samples.js';

/** Fails unless storage holds exactly `bytes` at `key`. */
async function expectStored(ctx: RuleContext, key: string, bytes: Uint8Array): Promise<string> {
  const storage = ctx.storage;
  if (!storage) return 'storage not checked (no storage access)';
  const [held, sent] = await Promise.all([storage.sha256(key), sha256Hex(bytes)]);
  if (held === undefined)
    fail(`storage: expected the object at key "${key}" after complete answered, got nothing`);
  if (held !== sent) fail(`storage: expected SHA-256 ${sent} (the bytes PUT) at "${key}", got ${held}`);
  return `storage holds the same ${bytes.length} bytes at the key`;
}

/**
 * A call retried while it answers 503 (another call completes the same upload), as the client
 * would: at most 5 attempts, waiting `Retry-After` seconds (at most 2) in between.
 */
async function settled(user: UserClient, path: string, body: unknown): Promise<Reply> {
  let reply = await user.call(path, body);
  for (let attempt = 1; attempt < 5 && reply.status === 503; attempt++) {
    const seconds = Number(reply.headers.get('retry-after'));
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(Number.isFinite(seconds) ? seconds : 1, 2) * 1000),
    );
    reply = await user.call(path, body);
  }
  return reply;
}

function expectSame(first: Reply, again: Reply, what: string): void {
  const same =
    first.status === again.status &&
    (first.isJson
      ? again.isJson && canonical(first.json) === canonical(again.json)
      : first.text === again.text);
  if (!same) fail(`${what}: expected the first answer again (${shown(first)}), got ${shown(again)}`);
}

/** Two at once, then one more: every answer must be the first. */
async function expectIdempotent(user: UserClient, path: string, body: unknown): Promise<string> {
  const [first, second] = await Promise.all([settled(user, path, body), settled(user, path, body)]);
  expectOkJsonOrEmpty(first, `${path} (first of two at once)`);
  expectSame(first, second, `${path} sent twice at once`);
  expectSame(first, await settled(user, path, body), `${path} repeated after the first answered`);
  return `three answers of ${first.status}, all the same`;
}

async function multipartUploaded(ctx: RuleContext, file: FileDescriptor, bytes: Uint8Array) {
  const { session, partSize } = await createUpload(ctx, 'a', file, PART_SIZE);
  const parts = await putParts(ctx.a, session, bytes, partSize);
  return { session, parts, partSize, body: completeMultipartBody(session, parts, file) };
}

/** Whole uploads, single and multipart, with real bytes. */
export const transferRules: ConformanceRule[] = [
  {
    id: 'single-upload',
    description:
      'presign, a real PUT, complete: 2xx with JSON or an empty body, and storage holds the same bytes at key',
    async run(ctx) {
      const { presigned, bytes, body } = await uploaded(ctx, ctx.a, 48_213);
      expectOkJsonOrEmpty(await ctx.a.call('complete', body));
      return expectStored(ctx, presigned.key, bytes);
    },
  },
  {
    id: 'multipart-upload',
    description:
      'multipart with 5 MiB parts end to end (create, sign-parts, PUTs, list-parts, complete); storage holds the same bytes',
    async run(ctx) {
      const size = 2 * PART_SIZE + 12_345;
      const bytes = ctx.bytes(size, 3);
      const file = descriptor(size, ctx.allowedType, 'movie.png');
      const { session, parts, partSize, body } = await multipartUploaded(ctx, file, bytes);
      const listed = expectOkObject(await ctx.a.call('multipart/list-parts', session)).parts;
      const seen = Array.isArray(listed)
        ? listed.map((p: unknown) => (isRecord(p) ? `${String(p.partNumber)}:${String(p.size)}` : '?')).sort()
        : listed;
      const put = parts.map((p) => `${p.partNumber}:${p.size}`).sort();
      if (JSON.stringify(seen) !== JSON.stringify(put)) {
        fail(
          `multipart/list-parts before complete: expected parts ${put.join(', ')} (number:size), got ${JSON.stringify(listed)}`,
        );
      }
      expectOkJsonOrEmpty(await ctx.a.call('multipart/complete', body));
      return `${parts.length} parts of ${partSize} bytes; ${await expectStored(ctx, session.key, bytes)}`;
    },
  },
  {
    id: 'complete-idempotent',
    description: 'complete sent twice at once, then again, gets the first answer every time',
    async run(ctx) {
      const { body } = await uploaded(ctx, ctx.a);
      return expectIdempotent(ctx.a, 'complete', body);
    },
  },
  {
    id: 'multipart-complete-idempotent',
    description: 'multipart/complete sent twice at once, then again, gets the first answer every time',
    async run(ctx) {
      const bytes = ctx.bytes(4096, 4);
      const { body, session } = await multipartUploaded(ctx, descriptor(4096, ctx.allowedType), bytes);
      const note = await expectIdempotent(ctx.a, 'multipart/complete', body);
      return ctx.storage ? `${note}; ${await expectStored(ctx, session.key, bytes)}` : note;
    },
  },
  {
    id: 'complete-before-put',
    description:
      'complete before anything was PUT answers 404; once the bytes are PUT, complete accepts them',
    async run(ctx) {
      const file = descriptor(2048, ctx.allowedType, 'early.png');
      const presigned = await presign(ctx.a, file);
      const body = { key: presigned.key, ...tokenField(presigned.token), file };
      expectError(await ctx.a.call('complete', body), [404], 'complete before the PUT');
      const bytes = ctx.bytes(2048);
      await putOk(ctx.a, presigned.url, bytes, presigned.headers, 'PUT after the early complete');
      expectOkJsonOrEmpty(await ctx.a.call('complete', body), 'complete after the PUT');
      return expectStored(ctx, presigned.key, bytes);
    },
  },
  {
    id: 'pending-until-complete',
    description:
      'bytes PUT to a presigned URL are not at key before complete accepts them (they wait at a pending key)',
    async run(ctx) {
      const storage = needStorage(ctx);
      const { presigned, body } = await uploaded(ctx, ctx.a);
      if (await storage.exists(presigned.key)) {
        fail(
          `storage: expected nothing at key "${presigned.key}" before complete (sign URLs for a private pending key), got an object`,
        );
      }
      expectOkJsonOrEmpty(await ctx.a.call('complete', body));
      if (!(await storage.exists(presigned.key)))
        fail(`storage: expected an object at key "${presigned.key}" after complete, got nothing`);
    },
  },
];
