import { expectOkJsonOrEmpty, expectRefused, fail, headerOf, is2xx, shown, skip } from '../checks.js';
import {
  completeMultipartBody,
  createUpload,
  descriptor,
  presign,
  putOk,
  signParts,
  entryFor,
  tokenField,
  uploaded,
} from '../flows.js';
import type { Reply } from '../protocolClient.js';
import { needStorage, type ConformanceRule, type RuleContext } from '../rule.js';
import { htmlFile, sha256Hex } from '../samples.js';

/** How a backend may refuse bytes at `complete`: never a success, never "try again". */
const REFUSALS = [400, 403, 409, 413, 415, 422];

async function expectNothingAt(ctx: RuleContext, key: string, when: string): Promise<string> {
  if (!ctx.storage) return 'storage not checked (no storage access)';
  if (await ctx.storage.exists(key)) fail(`storage: expected nothing at key "${key}" ${when}, got an object`);
  return 'nothing at the key';
}

const needsSniffable = (ctx: RuleContext) => {
  if (!ctx.sniffable) skip(`no sample with a magic number for ${ctx.allowedType}: pass one (options.sample)`);
};

/** A single upload of HTML declared as `allowedType`, PUT and then refused by complete. */
async function refusedHtml(ctx: RuleContext, size: number) {
  const file = descriptor(size, ctx.allowedType, 'innocent.png');
  const presigned = await presign(ctx.a, file);
  await putOk(
    ctx.a,
    presigned.url,
    htmlFile(size),
    presigned.headers,
    'PUT of HTML bytes with the signed headers',
  );
  const body = { key: presigned.key, ...tokenField(presigned.token), file };
  const refusal = expectRefused(
    await ctx.a.call('complete', body),
    REFUSALS,
    `complete of HTML declared as ${ctx.allowedType}`,
  );
  return { presigned, body, refusal };
}

/** A PUT that breaks the declaration: storage refuses it, or complete does and nothing reaches the key. */
async function refusedSomewhere(
  ctx: RuleContext,
  stored: { status: number; text: string },
  complete: () => Promise<Reply>,
  key: string,
  what: string,
) {
  if (!is2xx(stored.status)) return `storage refused ${what} (${stored.status})`;
  const reply = await complete();
  if (is2xx(reply.status))
    fail(
      `expected storage or complete to refuse ${what}; storage took it (${stored.status}), complete got ${shown(reply)}`,
    );
  expectRefused(reply, REFUSALS, `complete after ${what}`);
  return `storage accepted ${what}; complete refused it (${reply.status}); ${await expectNothingAt(ctx, key, 'after the refusal')}`;
}

/** Nothing unverified reaches a final key, and nothing replaces a verified object. */
export const quarantineRules: ConformanceRule[] = [
  {
    id: 'content-mismatch',
    description: 'HTML bytes declared as the allowed type are refused at complete, and nothing is at key',
    async run(ctx) {
      needsSniffable(ctx);
      const { presigned, refusal } = await refusedHtml(ctx, 2048);
      return `${refusal.status}; ${await expectNothingAt(ctx, presigned.key, 'after complete refused its content')}`;
    },
  },
  {
    id: 'multipart-content-mismatch',
    description:
      'HTML bytes declared as the allowed type are refused at multipart/complete, and nothing is at key',
    async run(ctx) {
      needsSniffable(ctx);
      const file = descriptor(4096, ctx.allowedType, 'innocent.png');
      const { session } = await createUpload(ctx, 'a', file);
      const entry = entryFor(await signParts(ctx.a, session, [1]), 1);
      const stored = await putOk(
        ctx.a,
        entry.url,
        htmlFile(4096),
        entry.headers,
        'PUT of HTML bytes as part 1',
      );
      const parts = [{ partNumber: 1, etag: stored.etag ?? '', size: 4096 }];
      const refusal = expectRefused(
        await ctx.a.call('multipart/complete', completeMultipartBody(session, parts, file)),
        REFUSALS,
        `multipart/complete of HTML declared as ${ctx.allowedType}`,
      );
      return `${refusal.status}; ${await expectNothingAt(ctx, session.key, 'after multipart/complete refused its content')}`;
    },
  },
  {
    id: 'refusal-is-final',
    description:
      'after complete refused the bytes, a valid file PUT to the same URL is still refused, with the same answer',
    async run(ctx) {
      needsSniffable(ctx);
      const { presigned, body, refusal } = await refusedHtml(ctx, 2048);
      const stored = await ctx.a.put(presigned.url, ctx.bytes(2048), presigned.headers);
      const again = await ctx.a.call('complete', body);
      if (is2xx(again.status)) {
        fail(
          `complete after a valid file was PUT to the refused upload's URL: expected the refusal again (${refusal.status}), got ${shown(again)}`,
        );
      }
      if (again.status !== refusal.status)
        fail(
          `expected the repeated complete to refuse as the first did (${shown(refusal)}), got ${shown(again)}`,
        );
      return `second PUT ${stored.status}, complete ${again.status} again; ${await expectNothingAt(ctx, presigned.key, 'after the second PUT')}`;
    },
  },
  {
    id: 'second-put-after-complete',
    description:
      "a second PUT to a single upload's URL after complete does not change the object at key (SHA-256 compared)",
    async run(ctx) {
      const storage = needStorage(ctx);
      const { presigned, bytes, body } = await uploaded(ctx, ctx.a, 2048, 1);
      expectOkJsonOrEmpty(await ctx.a.call('complete', body));
      const later = await ctx.a.put(presigned.url, ctx.bytes(2048, 2), presigned.headers);
      const [held, first] = await Promise.all([storage.sha256(presigned.key), sha256Hex(bytes)]);
      if (held !== first) {
        fail(
          `storage: expected the completed bytes (SHA-256 ${first}) at "${presigned.key}" after a second PUT (${later.status}), got ${held ?? 'nothing'}`,
        );
      }
      return `second PUT answered ${later.status}; the key kept the completed bytes`;
    },
  },
  {
    id: 'single-size-enforced',
    description:
      'a PUT of one byte more or less than declared is refused by storage or by complete; nothing reaches the key',
    async run(ctx) {
      const notes: string[] = [];
      for (const delta of [1, -1]) {
        const file = descriptor(2048, ctx.allowedType, 'sized.png');
        const presigned = await presign(ctx.a, file);
        const stored = await ctx.a.put(presigned.url, ctx.bytes(2048 + delta), presigned.headers);
        const complete = () =>
          ctx.a.call('complete', { key: presigned.key, ...tokenField(presigned.token), file });
        notes.push(
          await refusedSomewhere(
            ctx,
            stored,
            complete,
            presigned.key,
            `a PUT of ${2048 + delta} bytes for 2048 declared`,
          ),
        );
      }
      return notes.join('; ');
    },
  },
  {
    id: 'part-size-enforced',
    description:
      'a part PUT with another length than signed is refused by storage or by multipart/complete; nothing reaches the key',
    async run(ctx) {
      const file = descriptor(4096, ctx.allowedType);
      const { session } = await createUpload(ctx, 'a', file);
      const entry = entryFor(await signParts(ctx.a, session, [1]), 1);
      const stored = await ctx.a.put(entry.url, ctx.bytes(4097), entry.headers);
      const parts = [{ partNumber: 1, etag: stored.etag ?? '', size: 4097 }];
      const complete = () => ctx.a.call('multipart/complete', completeMultipartBody(session, parts, file));
      return refusedSomewhere(ctx, stored, complete, session.key, 'a 4,097-byte part 1 of a 4,096-byte file');
    },
  },
  {
    id: 'type-enforced',
    description:
      'a PUT with another Content-Type than signed is refused by storage, or the object at key keeps the signed type',
    async run(ctx) {
      const file = descriptor(2048, ctx.allowedType, 'typed.png');
      const presigned = await presign(ctx.a, file);
      const signedType = headerOf(presigned.headers, 'content-type');
      const headers = Object.fromEntries(
        Object.entries(presigned.headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
      );
      const stored = await ctx.a.put(presigned.url, ctx.bytes(2048), {
        ...headers,
        'content-type': 'text/html',
      });
      if (!is2xx(stored.status)) return `storage refused it (${stored.status})`;
      const reply = await ctx.a.call('complete', {
        key: presigned.key,
        ...tokenField(presigned.token),
        file,
      });
      if (!is2xx(reply.status)) return `storage accepted it; complete refused it (${reply.status})`;
      const storage = needStorage(ctx);
      const served = await storage.contentType(presigned.key);
      if (
        served === undefined ||
        served.toLowerCase().startsWith('text/html') ||
        served !== (signedType ?? served)
      ) {
        fail(
          `expected the object at key served as the signed ${signedType ?? 'type'} after storage and complete took a PUT as text/html, got ${served ?? 'nothing'}`,
        );
      }
      return `storage accepted it; the object at key is served as ${served}`;
    },
  },
];
