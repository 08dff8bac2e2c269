/** What a key function is given to choose an object key. */
export interface KeyContext {
  /** The authorized user's id (already a string). */
  userId: string;
  /** The client's declared file name: untrusted, never use it raw in a key. */
  fileName: string;
  /** The declared MIME type: untrusted. */
  contentType: string;
}

/** A safe lower-case extension from an untrusted file name: `.png`, or `''`. */
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
  // "." and ".." are legal URI segments but mean something else to path-like keys.
  return encoded === '.' || encoded === '..' || encoded === '' ? '_' : encoded;
}

/**
 * The default key: `uploads/{user}/{uuid}{.ext}`. The server chooses every key; nothing the
 * client sends (name, path, key) ends up in it except a sanitized extension.
 */
export function defaultObjectKey({ userId, fileName }: KeyContext): string {
  return `uploads/${safeSegment(userId)}/${crypto.randomUUID()}${safeExtension(fileName)}`;
}
