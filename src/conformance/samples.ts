const ascii = (text: string) => new TextEncoder().encode(text);

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// The first bytes of real files, with the magic numbers content sniffing looks for.
const BUILT_IN: Record<string, () => Uint8Array> = {
  'image/png': () =>
    fromBase64(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    ),
  'image/jpeg': () =>
    new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  'image/gif': () =>
    new Uint8Array([...ascii('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0x2c, 0, 0, 0, 0]),
  'application/pdf': () =>
    ascii('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n'),
};

/** Whether the kit has a sample of `type` with a magic number of its own. */
export const hasBuiltInSample = (type: string) => type.toLowerCase() in BUILT_IN;

/** Deterministic bytes of any size; another `seed` gives other bytes. */
export function pattern(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/**
 * A file of `type`: the sample's head, then pattern bytes up to `size` (another `seed`, other
 * bytes after the head). Without a sample, pattern bytes alone.
 */
export function fileOf(head: Uint8Array | undefined, size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = pattern(size, seed);
  if (head) bytes.set(head.subarray(0, size));
  return bytes;
}

/** The head for `type`: the caller's sample, else a built-in one, else none. */
export function sampleHead(type: string, sample: Uint8Array | undefined): Uint8Array | undefined {
  return sample ?? BUILT_IN[type.toLowerCase()]?.();
}

const HTML = '<!doctype html><html><body><script>alert(document.domain)</script></body></html>';

/** An HTML document that runs a script, padded with spaces to `size`. */
export function htmlFile(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.max(size, HTML.length)).fill(0x20);
  bytes.set(ascii(HTML));
  return bytes;
}

/** Lower-case hex SHA-256 (Web Crypto: Node 20 and every Fetch runtime). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
