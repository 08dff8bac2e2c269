/** What a key function is given to choose an object key. */
export interface KeyContext {
  /** The authorized user's id (already a string). */
  userId: string;
  /** The client's declared file name: untrusted, never use it raw in a key. */
  fileName: string;
  /** The normalised type the object will be stored with (checked against `allowedTypes`). */
  contentType: string;
  /** The extension for that type (`.png`), or `''`: use this, not the file name's. */
  extension: string;
}

/**
 * A safe lower-case extension from an untrusted file name: `.png`, or `''`. Prefer
 * `KeyContext.extension`, which comes from the checked type: a name's extension says nothing
 * about the bytes.
 */
export function safeExtension(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,12})$/.exec(fileName.normalize('NFKC'));
  return match?.[1] ? `.${match[1].toLowerCase()}` : '';
}

/** A user id made safe for one path segment: unreserved characters kept, the rest percent-encoded. */
export function safeSegment(value: string): string {
  const encoded = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  // "." and ".." are legal URI segments but mean something else to path-like keys; encoded,
  // they stay apart from each other and from every other id.
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}

/**
 * The default key: `uploads/{user}/{uuid}{extension}`. The server chooses every key; nothing the
 * client sends (name, path, key) ends up in it, and the extension comes from the checked type.
 */
export function defaultObjectKey({ userId, extension }: KeyContext): string {
  return `uploads/${safeSegment(userId)}/${crypto.randomUUID()}${extension}`;
}
