import mime from 'mime/lite';

// RFC 9110 §5.6.2: token = 1*tchar.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
// RFC 9110 §5.6.6 / §5.6.4: parameter values are tokens or quoted strings of visible ASCII.
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
const MEDIA_TYPE = new RegExp(
  `^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*)[ \\t]*$`,
);

/**
 * The essence of a declared media type (`type/subtype`, lower case, parameters dropped), or
 * `undefined` when the string is not one strict RFC 9110 media type: a list (`image/png,
 * text/html`), a control or non-ASCII character, whitespace inside a token, a bare `;` all
 * make it malformed. Storage serves whatever string was signed, so only this essence is signed.
 */
export function parseMediaType(value: string): string | undefined {
  const match = MEDIA_TYPE.exec(value);
  if (!match) return undefined;
  return `${match[1]}/${match[2]}`.toLowerCase();
}

// Types a browser runs or renders as a document with the bucket's origin: stored scripts.
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'text/xml',
  'application/xml',
  'text/xsl',
  'text/javascript',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'text/ecmascript',
  'text/jscript',
  'text/livescript',
  'application/x-ecmascript',
  'text/x-javascript',
  'text/x-ecmascript',
  'multipart/x-mixed-replace',
  'application/x-shockwave-flash',
  'application/vnd.adobe.flash-movie',
]);

/**
 * Whether browsers treat this essence as active content (HTML, SVG and every other XML, script,
 * Flash): never matched by a wildcard, and always served as an attachment.
 */
export function isActiveType(essence: string): boolean {
  return ACTIVE_TYPES.has(essence) || essence.endsWith('+xml') || essence.endsWith('+html');
}

// Names browsers and devices give passive types that `mime/lite` does not list.
const PASSIVE_ALIASES = new Set([
  'image/jpg',
  'image/pjpeg',
  'image/x-png',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'audio/mp3',
  'audio/m4a',
  'audio/x-m4a',
  'audio/wave',
  'audio/x-wav',
  'audio/flac',
  'audio/x-flac',
  'audio/opus',
  'audio/aiff',
  'audio/x-aiff',
  'video/x-matroska',
  'video/x-msvideo',
]);

/**
 * Types a browser shows without running anything: served inline by default. Only types known by
 * name: a wildcard admits `image/html` or `image/x-anything` too, which no browser renders as an
 * image and some may sniff; those are downloads.
 */
export function isPassiveType(essence: string): boolean {
  if (isActiveType(essence) || (mime.getExtension(essence) === null && !PASSIVE_ALIASES.has(essence))) {
    return false;
  }
  const [top] = essence.split('/');
  return (
    top === 'image' ||
    top === 'audio' ||
    top === 'video' ||
    essence === 'application/pdf' ||
    essence === 'text/plain'
  );
}

/** The type an upload is stored with, and the extension its key gets. */
export interface StoredType {
  /** The normalised essence that is signed and stored (`application/octet-stream` when none). */
  contentType: string;
  /** `.png`, or `''`. Comes from the type, or from the allow-list's own `.ext` token. */
  extension: string;
}

const GENERIC = 'application/octet-stream';

/**
 * Checks a declared type against an allow-list of `type/subtype`, `type/*`, `*` or `*\/*` and
 * `.ext` tokens (lower case, as `parseAccept` gives them; empty allows any passive type).
 * Wildcards never admit active types: those must be named exactly. An `.ext` token admits a type
 * whose known extensions include it (`.jpeg` and `.jpg` both admit `image/jpeg`); a type with no
 * known extension (an unknown `""`, stored as `application/octet-stream`, or a vendor type) is
 * admitted by the file name's ending, and its key then gets the token as extension.
 * Returns `undefined` when the type is not allowed.
 */
export function resolveStoredType(
  essence: string | '',
  fileName: string,
  allowed: readonly string[],
): StoredType | undefined {
  const contentType = essence || GENERIC;
  const extension = extensionFor(contentType);
  const active = isActiveType(contentType);
  if (allowed.length === 0) return active ? undefined : { contentType, extension };
  for (const token of allowed) {
    if (token === contentType) return { contentType, extension };
    if (active) continue;
    if (token === '*' || token === '*/*') return { contentType, extension };
    if (token.endsWith('/*') && contentType.startsWith(token.slice(0, -1))) {
      return { contentType, extension };
    }
    if (!/^\.[a-z0-9]{1,12}$/.test(token)) continue;
    const known = contentType === GENERIC ? undefined : mime.getAllExtensions(contentType);
    if (known?.has(token.slice(1))) return { contentType, extension: token };
    if (!known && fileName.toLowerCase().endsWith(token)) {
      // Nothing known about the declared type: the name is all there is. A token that names a
      // type (`.png`) makes the file that type, stored and checked as it: an ELF called
      // "evil.png" is refused, not kept as a download under `.png`. Otherwise the declared type
      // (never active) is stored, served as a download.
      const named = mime.getType(token.slice(1));
      if (named && !isActiveType(named)) return { contentType: named, extension: token };
      return { contentType, extension: token };
    }
  }
  return undefined;
}

/** The key extension for a verified type (`.png`, `.jpg`, `.pdf`), or `''` when none is known. */
export function extensionFor(essence: string): string {
  if (essence === GENERIC) return '';
  const extension = mime.getExtension(essence);
  return extension && /^[a-z0-9]{1,12}$/.test(extension) ? `.${extension}` : '';
}
