import { mapBounded } from '../core/mapBounded.js';
import {
  expectOkObject,
  fail,
  is2xx,
  isRecord,
  readPresignedRequest,
  shown,
  type PresignedRequest,
} from './checks.js';
import type { PutReply, UserClient } from './protocolClient.js';
import type { RuleContext } from './rule.js';

/** Bytes in a mebibyte. */
export const MiB = 1024 * 1024;
/** S3's smallest part but the last; the part size the kit asks for. */
export const PART_SIZE = 5 * MiB;

/** What the client tells the server about a file (docs/protocol.md, FileDescriptor). */
export interface FileDescriptor {
  name: string;
  size: number;
  type: string;
  lastModified: number;
}

/** A FileDescriptor of `size` bytes declared as `type`. */
export const descriptor = (size: number, type: string, name = 'conformance.bin'): FileDescriptor => ({
  name,
  size,
  type,
  lastModified: 1735689600000,
});

/** A `presign` answer that passed the shape checks. */
export interface Presigned extends PresignedRequest {
  key: string;
  token: string | undefined;
  body: Record<string, unknown>;
}

/** `token`, when the backend issued one, as a request field. */
export const tokenField = (token: string | undefined) => (token === undefined ? {} : { token });

function readKeyAndToken(body: Record<string, unknown>, what: string) {
  const { key, token } = body;
  if (typeof key !== 'string' || key === '')
    fail(`${what}: expected "key" to be a non-empty string, got ${JSON.stringify(key)}`);
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    fail(`${what}: expected "token" to be absent or a non-empty string, got ${JSON.stringify(token)}`);
  }
  return { key, token: token as string | undefined };
}

/** Checks a presign answer (also a batch entry's body). */
export function readPresigned(body: Record<string, unknown>, what: string): Presigned {
  return { ...readPresignedRequest(body, what), ...readKeyAndToken(body, what), body };
}

/** `presign` for `file`; the rule fails unless it is a 2xx presign answer. */
export async function presign(user: UserClient, file: FileDescriptor): Promise<Presigned> {
  return readPresigned(expectOkObject(await user.call('presign', { file })), 'presign');
}

/** A PUT that storage must accept. */
export async function putOk(
  user: UserClient,
  url: string,
  bytes: Uint8Array,
  headers: Record<string, string>,
  what: string,
): Promise<PutReply> {
  const stored = await user.put(url, bytes, headers);
  if (!is2xx(stored.status))
    fail(`${what}: expected storage to take the PUT with the returned headers, got ${shown(stored)}`);
  return stored;
}

/** A single upload up to (not including) `complete`: presign, then a real PUT of `bytes`. */
export async function presignAndPut(user: UserClient, file: FileDescriptor, bytes: Uint8Array) {
  const presigned = await presign(user, file);
  const stored = await putOk(user, presigned.url, bytes, presigned.headers, 'PUT to the presigned URL');
  return { presigned, etag: stored.etag };
}

/** A fresh single upload of `allowedType`, PUT and waiting for `complete`. */
export async function uploaded(ctx: RuleContext, user: UserClient, size = 2048, seed = 1) {
  const bytes = ctx.bytes(size, seed);
  const file = descriptor(size, ctx.allowedType, 'conformance.png');
  const { presigned, etag } = await presignAndPut(user, file, bytes);
  const body = { key: presigned.key, ...tokenField(presigned.token), file, ...(etag ? { etag } : {}) };
  return { bytes, file, presigned, etag, body };
}

/** An open multipart upload. */
export interface Session {
  uploadId: string;
  key: string;
  token?: string;
}

/** `multipart/create`; the upload is aborted after the rule. Part size: the answer, else the wish. */
export async function createUpload(
  ctx: RuleContext,
  user: 'a' | 'b',
  file: FileDescriptor,
  wish = PART_SIZE,
) {
  const reply = await ctx[user].call('multipart/create', { file, partSize: wish });
  return openedUpload(ctx, user, expectOkObject(reply, 'multipart/create'), wish);
}

/** Checks a 2xx `multipart/create` answer; the upload it opened is aborted after the rule. */
export function openedUpload(ctx: RuleContext, user: 'a' | 'b', body: Record<string, unknown>, wish: number) {
  const { uploadId, partSize } = body;
  if (typeof uploadId !== 'string' || uploadId === '') {
    fail(`multipart/create: expected "uploadId" to be a non-empty string, got ${JSON.stringify(uploadId)}`);
  }
  const { key, token } = readKeyAndToken(body, 'multipart/create');
  const session: Session = { uploadId, key, ...tokenField(token) };
  ctx.defer((users) => users[user].call('multipart/abort', session));
  return { session, partSize: typeof partSize === 'number' ? partSize : wish, body };
}

/** Parts of a file: a 0-byte file is one empty part. */
export const partCount = (size: number, partSize: number) => Math.max(1, Math.ceil(size / partSize));

/** `multipart/sign-parts` for `numbers`: the entries by part number, each checked. */
export async function signParts(user: UserClient, session: Session, numbers: number[]) {
  const body = expectOkObject(await user.call('multipart/sign-parts', { ...session, partNumbers: numbers }));
  if (!Array.isArray(body.parts))
    fail(`multipart/sign-parts: expected "parts" to be an array, got ${JSON.stringify(body).slice(0, 160)}`);
  const entries = new Map<number, PresignedRequest>();
  for (const entry of body.parts as unknown[]) {
    if (!isRecord(entry) || !Number.isInteger(entry.partNumber)) {
      fail(
        `multipart/sign-parts: expected entries with an integer "partNumber", got ${JSON.stringify(entry)}`,
      );
    }
    const number = entry.partNumber as number;
    if (entries.has(number))
      fail(`multipart/sign-parts: expected one entry per part, got two for part ${number}`);
    entries.set(number, readPresignedRequest(entry, `multipart/sign-parts part ${number}`));
  }
  return entries;
}

/** The entry `signParts` answered for `partNumber`. */
export function entryFor(entries: Map<number, PresignedRequest>, partNumber: number): PresignedRequest {
  const entry = entries.get(partNumber);
  if (!entry) {
    fail(
      `multipart/sign-parts: expected an entry for part ${partNumber}, got entries for [${[...entries.keys()].join(', ')}]`,
    );
  }
  return entry;
}

/** A part as `multipart/complete` takes it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** Signs and PUTs parts of `bytes` (all of them unless `numbers`), a few at a time. */
export async function putParts(
  user: UserClient,
  session: Session,
  bytes: Uint8Array,
  partSize: number,
  numbers?: number[],
) {
  const wanted = numbers ?? Array.from({ length: partCount(bytes.length, partSize) }, (_, i) => i + 1);
  const parts: UploadedPart[] = [];
  // sign-parts signs at most 100 numbers a call in upkit/server; the protocol sets no limit.
  for (let at = 0; at < wanted.length; at += 100) {
    const chunk = wanted.slice(at, at + 100);
    const entries = await signParts(user, session, chunk);
    parts.push(
      ...(await mapBounded(chunk, 4, async (partNumber) => {
        const entry = entryFor(entries, partNumber);
        const body = bytes.subarray((partNumber - 1) * partSize, partNumber * partSize);
        const stored = await putOk(user, entry.url, body, entry.headers, `PUT of part ${partNumber}`);
        if (!stored.etag) fail(`PUT of part ${partNumber}: expected an ETag from storage, got none`);
        return { partNumber, etag: stored.etag, size: body.length };
      })),
    );
  }
  return parts;
}

/** The body of `multipart/complete`. */
export const completeMultipartBody = (session: Session, parts: UploadedPart[], file: FileDescriptor) => ({
  ...session,
  parts: [...parts].sort((x, y) => x.partNumber - y.partNumber),
  file,
});
