import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  completeBody,
  expectNothingSigned,
  file,
  handlerFor,
  png,
  presignAndPut,
} from './harness';

// Spec G: a cross-site form can POST text/plain, urlencoded, multipart/form-data or no type without a
// preflight: such bodies are refused before authorize decides anything; with allowedOrigins, a
// request from another Origin is refused.

const SIMPLE_BODIES = [
  { what: 'text/plain', contentType: 'text/plain' },
  { what: 'text/plain;charset=UTF-8', contentType: 'text/plain;charset=UTF-8' },
  { what: 'application/x-www-form-urlencoded', contentType: 'application/x-www-form-urlencoded' },
  { what: 'multipart/form-data', contentType: 'multipart/form-data; boundary=----upkit' },
  { what: 'no content type', contentType: null },
  {
    what: 'text/plain dressed up with an application/json parameter',
    contentType: 'text/plain; x=application/json',
  },
];

describe('G. bodies a cross-site form can send → 415 unsupported-media-type, authorize not asked', () => {
  it.each(SIMPLE_BODIES)(
    'presign with $what → 415; authorize not called; nothing signed',
    async ({ contentType }) => {
      const h = handlerFor();
      const response = await h.call('presign', { file: file(100) }, { contentType });
      expect(response).toMatchObject({ status: 415, body: { error: { code: 'unsupported-media-type' } } });
      expect(h.counts.authorize).toBe(0);
      await expectNothingSigned(h, response);
    },
  );

  it.each(SIMPLE_BODIES.slice(0, 3))(
    'complete with $what after a real PUT → 415; authorize not called; nothing promoted to the key',
    async ({ contentType }) => {
      const h = handlerFor();
      const bytes = png();
      const descriptor = file(bytes.length);
      const { presigned } = await presignAndPut(h, descriptor, bytes);
      const [authorized, stored] = [h.counts.authorize, await h.stored()];
      const response = await h.call('complete', completeBody(presigned, descriptor), { contentType });
      expect(response).toMatchObject({ status: 415, body: { error: { code: 'unsupported-media-type' } } });
      expect(h.counts.authorize).toBe(authorized);
      expect(await h.stored()).toEqual(stored);
      expect(h.completions).toEqual([]);
    },
  );

  it.each([
    { what: 'application/json; charset=utf-8', contentType: 'application/json; charset=utf-8' },
    { what: 'Application/JSON', contentType: 'Application/JSON' },
  ])('control: $what is JSON → presign signs as usual', async ({ contentType }) => {
    const h = handlerFor();
    const response = await h.call('presign', { file: file(100) }, { contentType });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await h.stored()).toEqual([]);
  });
});

const FOREIGN_ORIGINS = [
  'https://evil.example',
  'https://app.example.evil.example',
  'http://app.example',
  'https://app.example:8443',
  'https://sub.app.example',
  'null',
];

describe('G. allowedOrigins: another Origin → 403 forbidden-origin', () => {
  it.each(FOREIGN_ORIGINS)(
    'presign with Origin: %s → 403 forbidden-origin; nothing signed',
    async (origin) => {
      const h = handlerFor({ allowedOrigins: [APP_ORIGIN] });
      const response = await h.call('presign', { file: file(100) }, { headers: { origin } });
      expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden-origin' } } });
      await expectNothingSigned(h, response);
    },
  );

  it('complete with Origin: https://evil.example after a real PUT → 403 forbidden-origin; nothing promoted', async () => {
    const h = handlerFor({ allowedOrigins: [APP_ORIGIN] });
    const bytes = png();
    const descriptor = file(bytes.length);
    const { presigned } = await presignAndPut(h, descriptor, bytes);
    const stored = await h.stored();
    const response = await h.call('complete', completeBody(presigned, descriptor), {
      headers: { origin: 'https://evil.example' },
    });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden-origin' } } });
    expect(await h.stored()).toEqual(stored);
    expect(h.completions).toEqual([]);
  });

  it.each<{ what: string; headers: Record<string, string> }>([
    { what: 'the same origin', headers: { origin: APP_ORIGIN } },
    { what: 'no Origin header', headers: {} },
  ])('control: $what → signs as usual', async ({ headers }) => {
    const h = handlerFor({ allowedOrigins: [APP_ORIGIN] });
    const response = await h.call('presign', { file: file(100) }, { headers });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(typeof response.body.url).toBe('string');
    expect(await h.stored()).toEqual([]);
  });
});
