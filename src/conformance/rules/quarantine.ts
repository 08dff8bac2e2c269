import {
  expectOkJsonOrEmpty,
  expectOkObject,
  expectRefused,
  fail,
  headerOf,
  is2xx,
  shown,
  skip,
} from '../checks.js';
import {
  completeMultipartBody,
  createUpload,
  descriptor,
  PART_SIZE,
  presign,
  putOk,
  putParts,
  signParts,
  entryFor,
  readPresigned,
  tokenField,
  uploaded,
} from '../flows.js';
import type { Reply } from '../protocolClient.js';
import { needStorage, type ConformanceRule, type RuleContext } from '../rule.js';
import { htmlFile, sha256Hex } from '../samples.js';

/** `presign` again for `file` with an earlier upload's key and token as `resign`: its key. */
async function resignedKey(
  ctx: RuleContext,
  file: ReturnType<typeof descriptor>,
  key: string,
  token?: string,
) {
  const reply = await ctx.a.call('presign', { file, resign: { key, ...tokenField(token) } });
  return readPresigned(expectOkObject(reply, 'presign with resign'), 'presign with resign').key;
}

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
    id: 'resign-settled',
    description:
      'presign with `resign` for a completed upload (and for one whose bytes complete refused) earns a new key, never the settled one',
    async run(ctx) {
      const done = await uploaded(ctx, ctx.a, 2048, 3);
      expectOkJsonOrEmpty(await ctx.a.call('complete', done.body));
      const afterDone = await resignedKey(ctx, done.file, done.presigned.key, done.presigned.token);
      if (afterDone === done.presigned.key) {
        fail(
          `presign with resign for the completed key "${afterDone}": expected a new key, got the same one`,
        );
      }
      if (!ctx.sniffable)
        return 'completed: a new key (refused uploads not tried: no sample with a magic number)';
      const { presigned } = await refusedHtml(ctx, 2048);
      const file = descriptor(2048, ctx.allowedType, 'innocent.png');
      const afterRefusal = await resignedKey(ctx, file, presigned.key, presigned.token);
      if (afterRefusal === presigned.key) {
        fail(
          `presign with resign for the refused key "${afterRefusal}": expected a new key, got the same one`,
        );
      }
      return 'completed and refused uploads: a new key each';
    },
  },
  {
    id: 'multipart-exact-parts',
    description:
      'multipart/complete listing part 1 twice instead of part 2 is refused and nothing is at key; the right list then completes',
    async run(ctx) {
      const size = PART_SIZE + 1024;
      const bytes = ctx.bytes(size, 5);
      const file = descriptor(size, ctx.allowedType, 'parts.png');
      const { session, partSize } = await createUpload(ctx, 'a', file);
      if (partSize !== PART_SIZE) skip(`the backend chose ${partSize}-byte parts: the rule needs two parts`);
      const parts = await putParts(ctx.a, session, bytes, partSize);
      const first = parts.find((p) => p.partNumber === 1);
      if (!first) fail('putParts: expected part 1 among the parts PUT');
      const doubled = { ...session, parts: [first, { ...first }], file };
      const refusal = expectRefused(
        await ctx.a.call('multipart/complete', doubled),
        REFUSALS,
        'multipart/complete with parts [1, 1]',
      );
      const nothing = await expectNothingAt(ctx, session.key, 'after parts [1, 1] were refused');
      expectOkJsonOrEmpty(
        await ctx.a.call('multipart/complete', completeMultipartBody(session, parts, file)),
      );
      const storage = ctx.storage;
      if (storage) {
        const [held, sent] = await Promise.all([storage.sha256(session.key), sha256Hex(bytes)]);
        if (held !== sent)
          fail(`storage: expected SHA-256 ${sent} at "${session.key}", got ${held ?? 'nothing'}`);
      }
      return `[1, 1] refused (${refusal.status}); ${nothing}; [1, 2] completed`;
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
