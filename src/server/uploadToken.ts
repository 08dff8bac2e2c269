import { HttpError } from './httpError';

/** What an upload token vouches for: who may touch which object, and what was declared. */
export interface TokenClaims {
  userId: string;
  key: string;
  /** Empty for single uploads. */
  uploadId: string;
  size: number;
  type: string;
  /** Epoch seconds. */
  exp: number;
}

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Stateless upload tokens: `v1.<exp>.<size>.<type>.<mac>`, where the MAC is HMAC-SHA256 over the
 * user, key, uploadId, size, type and expiry. The server needs no database to know that a
 * multipart call comes from the user who started the upload, and what size and type they declared.
 * Web Crypto only, so it runs in Node and every Fetch-API runtime.
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
    encoder.encode(['v1', c.userId, c.key, c.uploadId, c.size, c.type, c.exp].join('\u0000'));

  return {
    async sign(claims: TokenClaims): Promise<string> {
      const mac = await crypto.subtle.sign('HMAC', await hmacKey(), message(claims));
      return `v1.${claims.exp}.${claims.size}.${base64url(encoder.encode(claims.type))}.${base64url(mac)}`;
    },
    /** Checks a token against the caller and object; returns the declared size and type. */
    async verify(
      token: unknown,
      expected: { userId: string; key: string; uploadId: string },
      nowSeconds: number,
    ): Promise<TokenClaims> {
      const refused = new HttpError(
        403,
        'forbidden',
        'This upload does not belong to you, or its token has expired. Start the upload again.',
      );
      if (typeof token !== 'string') throw refused;
      const [version, exp, size, type, mac] = token.split('.');
      if (version !== 'v1' || !exp || !size || type === undefined || !mac) throw refused;
      let claims: TokenClaims;
      let signature: Uint8Array<ArrayBuffer>;
      try {
        claims = {
          ...expected,
          exp: Number(exp),
          size: Number(size),
          type: new TextDecoder().decode(fromBase64url(type)),
        };
        signature = fromBase64url(mac);
      } catch {
        throw refused;
      }
      if (!Number.isSafeInteger(claims.exp) || !Number.isSafeInteger(claims.size)) throw refused;
      // crypto.subtle.verify compares in constant time.
      const valid = await crypto.subtle.verify('HMAC', await hmacKey(), signature, message(claims));
      if (!valid || claims.exp < nowSeconds) throw refused;
      return claims;
    },
  };
}
