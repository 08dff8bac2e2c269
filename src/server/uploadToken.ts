import { HttpError } from './httpError.js';

/** What an upload token vouches for: who may touch which object, and what was declared. */
export interface TokenClaims {
  userId: string;
  key: string;
  /** Empty for single uploads. */
  uploadId: string;
  size: number;
  /** The normalised type signed into the upload. */
  type: string;
  /** Bytes per part the server signs part lengths with; 0 for single uploads. */
  partSize: number;
  /** Epoch seconds. */
  exp: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Options of `verify`. */
export interface TokenCheckOptions {
  /** Accept an authentic token past its expiry (abort: an owner can always clean up). */
  allowExpired?: boolean;
}

/**
 * Stateless upload tokens: `v2.<exp>.<size>.<partSize>.<type>.<mac>`, where the MAC is
 * HMAC-SHA256 over the user, key, uploadId, size, part size, type and expiry. The server needs
 * no database to know that a call comes from the user who started the upload, and what size,
 * part size and type it signed. Exactly one spelling of a token verifies: numbers in plain
 * decimal, base64url without padding or stray low bits, five dots. Web Crypto only, so it runs
 * in Node and every Fetch-API runtime.
 */
export function createTokenSigner(secret: string | Uint8Array) {
  const raw = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret);
  if (raw.byteLength < 32) {
    throw new TypeError(
      'upkit/server: `secret` must be at least 32 bytes; generate one with `openssl rand -base64 48`.',
    );
  }
  let key: Promise<CryptoKey> | undefined;
  const hmacKey = () =>
    (key ??= crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]));

  // Fields are joined with a separator no field may contain (NUL), so no two claim sets collide.
  const message = (c: TokenClaims) =>
    encoder.encode(['v2', c.userId, c.key, c.uploadId, c.size, c.partSize, c.type, c.exp].join('\u0000'));
  const prefix = (c: TokenClaims) =>
    `v2.${c.exp}.${c.size}.${c.partSize}.${base64url(encoder.encode(c.type))}`;

  return {
    async sign(claims: TokenClaims): Promise<string> {
      const mac = await crypto.subtle.sign('HMAC', await hmacKey(), message(claims));
      return `${prefix(claims)}.${base64url(mac)}`;
    },
    /** Checks a token against the caller and object; returns what it vouches for. */
    async verify(
      token: unknown,
      expected: { userId: string; key: string; uploadId: string },
      nowSeconds: number,
      options: TokenCheckOptions = {},
    ): Promise<TokenClaims> {
      const refused = new HttpError(
        403,
        'forbidden',
        'This upload does not belong to you, or its token has expired. Start the upload again.',
      );
      if (typeof token !== 'string' || token.length > 2048) throw refused;
      const fields = token.split('.');
      const [version, exp = '', size = '', partSize = '', type = '', mac = ''] = fields;
      if (fields.length !== 6 || version !== 'v2') throw refused;
      if (!DECIMAL.test(exp) || !DECIMAL.test(size) || !DECIMAL.test(partSize)) throw refused;
      if (!BASE64URL.test(type) || !BASE64URL.test(mac)) throw refused;
      let claims: TokenClaims;
      let signature: Uint8Array<ArrayBuffer>;
      try {
        claims = {
          ...expected,
          exp: Number(exp),
          size: Number(size),
          partSize: Number(partSize),
          type: decoder.decode(fromBase64url(type)),
        };
        signature = fromBase64url(mac);
      } catch {
        throw refused;
      }
      // Re-encoding must give the token back: no padding, no stray low bits, no other spelling.
      if (`${prefix(claims)}.${base64url(signature)}` !== token) throw refused;
      // crypto.subtle.verify compares in constant time.
      const valid = await crypto.subtle.verify('HMAC', await hmacKey(), signature, message(claims));
      if (!valid) throw refused;
      if (claims.exp < nowSeconds && !options.allowExpired) throw refused;
      return claims;
    },
  };
}
