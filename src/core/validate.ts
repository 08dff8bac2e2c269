import { UploadError } from './errors.js';
import { scaleBytes } from './bytes.js';

/** Checks run on every file before any request is made. */
export interface ValidationOptions {
  /** Largest file accepted, in bytes. */
  maxFileSize?: number;
  /** Smallest file accepted, in bytes (1 rejects empty files). */
  minFileSize?: number;
  /**
   * Allowed types, like an `<input accept>`: MIME types (`image/png`), wildcards (`image/*`) and
   * extensions (`.pdf`), as an array or a comma-separated string.
   */
  accept?: string | readonly string[];
  /** Most files the list may hold at once (done and uploading ones count; rejected do not). */
  maxFiles?: number;
}

/** Normalises an `accept` option into lower-case tokens. */
export function parseAccept(accept: string | readonly string[] | undefined): string[] {
  if (accept === undefined) return [];
  const list = typeof accept === 'string' ? accept.split(',') : accept;
  return list.map((token) => token.trim().toLowerCase()).filter(Boolean);
}

// The last option parsed: `validateFile` runs once per added file, with one `accept` for them all.
let lastAccept: { accept: string | readonly string[] | undefined; tokens: string[] } | undefined;
const acceptTokens = (accept: string | readonly string[] | undefined): string[] => {
  if (lastAccept?.accept !== accept || !lastAccept) lastAccept = { accept, tokens: parseAccept(accept) };
  return lastAccept.tokens;
};

/** True when a file with this name and MIME type matches one of the accept tokens. */
export function matchesAccept(name: string, type: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  const lowerName = name.toLowerCase();
  const lowerType = (type.toLowerCase().split(';')[0] ?? '').trim();
  return tokens.some((token) => {
    if (token.startsWith('.')) return lowerName.endsWith(token);
    if (token === '*' || token === '*/*') return true;
    if (token.endsWith('/*')) return lowerType.startsWith(token.slice(0, -1));
    return lowerType === token;
  });
}

/** Both sizes, in bytes where rounding would make them read the same. */
export function formatSizePair(size: number, limit: number): [string, string] {
  const [a, b] = [formatBytes(size), formatBytes(limit)];
  return a === b ? [`${size} bytes`, `${limit} bytes`] : [a, b];
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

// Decimal units, scaled as the styled list scales sizes, so an error and its row agree.
function formatBytes(bytes: number): string {
  const [value, power] = scaleBytes(bytes, 0, UNITS.length - 1);
  return `${power === 0 ? value : value.toFixed(1)} ${UNITS[power]}`;
}

/**
 * Returns the reason a file is refused, or `undefined` when it may be uploaded. `count` is how
 * many files the list already holds.
 */
export function validateFile(
  file: { name: string; size: number; type: string },
  options: ValidationOptions,
  count: number,
): UploadError | undefined {
  const { maxFileSize, minFileSize, maxFiles } = options;
  if (maxFiles !== undefined && count >= maxFiles) {
    return new UploadError(
      'too-many-files',
      `"${file.name}" was not added: at most ${maxFiles} file${maxFiles === 1 ? '' : 's'} can be uploaded at once. Remove a file and try again.`,
      { limit: maxFiles },
    );
  }
  if (maxFileSize !== undefined && file.size > maxFileSize) {
    const [size, limit] = formatSizePair(file.size, maxFileSize);
    return new UploadError(
      'file-too-large',
      `"${file.name}" is ${size}; the limit is ${limit}. Choose a smaller file.`,
      { limit: maxFileSize },
    );
  }
  if (minFileSize !== undefined && file.size < minFileSize) {
    const [size, limit] = formatSizePair(file.size, minFileSize);
    return new UploadError(
      'file-too-small',
      file.size === 0
        ? `"${file.name}" is empty. Choose a file with content.`
        : `"${file.name}" is ${size}; files must be at least ${limit}.`,
      { limit: minFileSize },
    );
  }
  const tokens = acceptTokens(options.accept);
  if (!matchesAccept(file.name, file.type, tokens)) {
    return new UploadError(
      'file-type-not-allowed',
      `"${file.name}" (${file.type || 'unknown type'}) is not an accepted type. Accepted: ${tokens.join(', ')}.`,
      { accepted: [...tokens] },
    );
  }
  return undefined;
}
