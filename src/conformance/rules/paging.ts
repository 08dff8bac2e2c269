import { mapBounded } from '../../core/mapBounded.js';
import { expectOkObject, fail, isRecord, skip } from '../checks.js';
import {
  descriptor,
  entryFor,
  openedUpload,
  partCount,
  PART_SIZE,
  signParts,
  type Session,
} from '../flows.js';
import { needStorage, type ConformanceRule, type RuleContext } from '../rule.js';

/** Parts past one ListParts page (S3 answers at most 1,000 a page). */
const PARTS = 1001;

/** An upload of `PARTS` parts of the part size the backend answers, or a skip saying why not. */
async function largeUpload(ctx: RuleContext): Promise<{ session: Session; partSize: number }> {
  let wish = PART_SIZE;
  // At most two tries: the backend may answer a larger part size than the one asked for.
  for (let attempt = 0; attempt < 2; attempt++) {
    const size = PARTS * wish;
    if (ctx.maxFileSize !== undefined && size > ctx.maxFileSize) {
      skip(
        `needs a maxFileSize of at least ${size} bytes (1,001 parts of ${wish}); the backend's is ${ctx.maxFileSize}`,
      );
    }
    const file = descriptor(size, ctx.allowedType, 'many-parts.png');
    const reply = await ctx.a.call('multipart/create', { file, partSize: wish });
    if (reply.status === 413) {
      skip(
        `multipart/create of ${size} bytes (1,001 parts of ${wish}) answered 413: the backend's maxFileSize is too small for this rule`,
      );
    }
    const { session, partSize } = openedUpload(
      ctx,
      'a',
      expectOkObject(reply, `multipart/create of ${size} bytes`),
      wish,
    );
    if (partCount(size, partSize) >= PARTS) return { session, partSize };
    wish = partSize;
  }
  return skip(`the backend answers a part size that gives fewer than ${PARTS} parts for any size it accepts`);
}

/** `list-parts` follows ListParts pages. */
export const pagingRules: ConformanceRule[] = [
  {
    id: 'list-parts-paging',
    description: "multipart/list-parts returns all 1,001 parts of an upload, past S3's 1,000 parts a page",
    budgetMs: 120_000,
    async run(ctx) {
      const storage = needStorage(ctx);
      const { session } = await largeUpload(ctx);
      const entry = entryFor(await signParts(ctx.a, session, [1]), 1);
      const pendingKey = storage.keyOfUrl(entry.url);
      if (!pendingKey)
        fail(
          `expected a part URL of bucket "${storage.bucket}" (path-style or virtual-hosted), got ${new URL(entry.url).origin}${new URL(entry.url).pathname}`,
        );
      // Straight into storage, one byte each: ListParts does not check sizes, only the final complete would.
      const numbers = Array.from({ length: PARTS }, (_, i) => i + 1);
      await mapBounded(numbers, 16, (n) =>
        storage.uploadPart(pendingKey, session.uploadId, n, new Uint8Array([n % 256])),
      );
      const listed = expectOkObject(await ctx.a.call('multipart/list-parts', session)).parts;
      if (!Array.isArray(listed))
        fail(`multipart/list-parts: expected "parts" to be an array, got ${JSON.stringify(listed)}`);
      const seen = new Set(listed.map((p: unknown) => (isRecord(p) ? p.partNumber : undefined)));
      const missing = numbers.filter((n) => !seen.has(n));
      if (missing.length > 0 || listed.length !== PARTS) {
        fail(
          `multipart/list-parts: expected all ${PARTS} parts, got ${listed.length}` +
            (missing.length > 0 ? `, missing ${missing.length} (from part ${missing[0]})` : ''),
        );
      }
      // MinIO serves up to 10,000 parts a page (S3: 1,000); then this run proves no paging.
      const page = await storage.firstPartsPage(pendingKey, session.uploadId);
      return page.truncated
        ? `${PARTS} parts listed; storage serves ${page.parts} a page`
        : `${PARTS} parts listed, but storage served them all in one ListParts page: this storage cannot show whether the backend follows pages (S3 serves 1,000 a page)`;
    },
  },
];
