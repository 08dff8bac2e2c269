import { formatSizePair } from '../core/validate.js';
import { HttpError } from './httpError.js';

/** The client's description of a file: every field untrusted. */
export interface FileInput {
  name: string;
  size: number;
  type: string;
  metadata: Record<string, string> | undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, 'bad-request', message);
}

export function readString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '' || value.length > 2048) {
    throw badRequest(`"${field}" must be a non-empty string.`);
  }
  return value;
}

// S3 keeps at most 2 KB of user metadata; the app gets it in onComplete, so bound it alike.
const MAX_METADATA_BYTES = 2048;

export function readFile(body: Record<string, unknown>): FileInput {
  const file = body.file;
  if (!isRecord(file)) throw badRequest('"file" must be an object with name, size and type.');
  const { name, size, type, metadata } = file;
  if (typeof name !== 'string' || name.length > 1024) {
    throw badRequest('"file.name" must be a string of at most 1,024 characters.');
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw badRequest('"file.size" must be a non-negative integer.');
  }
  if (typeof type !== 'string' || type.length > 255) {
    throw badRequest('"file.type" must be a MIME type string.');
  }
  if (metadata !== undefined) {
    if (
      !isRecord(metadata) ||
      Object.values(metadata).some((v) => typeof v !== 'string') ||
      new TextEncoder().encode(JSON.stringify(metadata)).byteLength > MAX_METADATA_BYTES
    ) {
      throw badRequest(`"file.metadata" must be an object of strings, at most ${MAX_METADATA_BYTES} bytes.`);
    }
  }
  return { name, size, type, metadata: metadata as Record<string, string> | undefined };
}

/**
 * A file name fit to quote in a message: no control characters, no bidi overrides or isolates
 * (which can make `exe.png` read as `png.exe`), at most 80 characters.
 */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control and bidi characters are what is removed
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > 80 ? `${clean.slice(0, 79)}…` : clean;
}

/** "is 67,108,865 bytes; the limit is 67,108,864 bytes": exact where rounding would hide it. */
export function sizeMessage(name: string, size: number, limit: number, relation: 'max' | 'min'): string {
  const [a, b] = formatSizePair(size, limit).map((text) =>
    text.replace(/^(\d+) bytes$/, (_, n: string) => `${Number(n).toLocaleString('en-US')} bytes`),
  );
  return relation === 'max'
    ? `"${displayName(name)}" is ${a}; the limit is ${b}.`
    : `"${displayName(name)}" is ${a}; files must be at least ${b}.`;
}
