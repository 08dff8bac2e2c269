import { describe, expect, it } from 'vitest';
import { expectNothingSigned, file, GiB, handlerFor, MiB, shown } from './harness';

// Spec I: messages are shown to people, so a file name in them loses its control and bidi characters,
// and a size one byte over a limit is told in exact bytes.

// C0, DEL, C1; ALM, LRM, RLM; LRE..RLO; LRI..PDI.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const NAMES = [
  { what: 'a right-to-left override (U+202E)', name: 'invoice\u202Egnp.exe' },
  { what: 'a right-to-left mark (U+200F)', name: 'a\u200Fb.png' },
  { what: 'left-to-right isolate … pop (U+2066, U+2069)', name: '\u2066x\u2069.png' },
  { what: 'right-to-left isolate (U+2067)', name: '\u2067y\u2069.png' },
  { what: 'first-strong isolate (U+2068)', name: '\u2068z\u2069.png' },
  { what: 'a left-to-right embedding and pop (U+202A, U+202C)', name: '\u202Atext\u202C.png' },
  { what: 'a left-to-right override (U+202D)', name: '\u202Dltr.png' },
  { what: 'a left-to-right mark (U+200E)', name: '\u200Emark.png' },
  { what: 'an Arabic letter mark (U+061C)', name: '\u061Cmark.png' },
  { what: 'a NUL', name: 'nul\u0000byte.png' },
  { what: 'CR/LF and a fake second line', name: 'line\r\nYour account is locked.png' },
  { what: 'an ANSI escape (ESC)', name: 'esc\u001b[31mred.png' },
  { what: 'a C1 control (CSI, U+009B)', name: 'csi\u009b31mred.png' },
  { what: 'a tab', name: 'tab\there.png' },
].map((row) => ({
  ...row,
  shownName: shown(row.name),
  visible: row.name.replace(new RegExp(UNSAFE, 'g'), ''),
}));

describe('I. file names in error messages lose control and bidi characters', () => {
  it.each(NAMES)(
    'a name with $what ($shownName) in 413 / 415 / multipart messages → stripped, the rest kept',
    async ({ name, visible }) => {
      const h = handlerFor({ maxFileSize: 10, allowedTypes: ['image/png'] });
      const responses = [
        await h.call('presign', { file: file(11, name) }),
        await h.call('presign', { file: file(5, name, 'application/zip') }),
        await h.call('multipart/create', { file: file(11, name) }),
      ];
      expect(responses.map((r) => r.status)).toEqual([413, 415, 413]);
      for (const response of responses) {
        const message: string = response.body.error.message;
        expect(message).not.toMatch(UNSAFE);
        expect(message).toContain(visible);
        await expectNothingSigned(h, response);
      }
    },
  );
});

/** The digits of a message with thousands separators taken out (`67,108,865` → `67108865`). */
const digits = (message: string) => message.replace(/(?<=\d)[,.\u00a0\u202f' _](?=\d{3})/g, '');

const SIZES = [
  { what: 'presign one byte over maxFileSize 64 MiB', op: 'presign', size: 64 * MiB + 1, max: 64 * MiB },
  {
    what: 'multipart/create one byte over maxFileSize 64 MiB',
    op: 'multipart/create',
    size: 64 * MiB + 1,
    max: 64 * MiB,
  },
  { what: 'presign one byte over the 5 GiB single-PUT cap', op: 'presign', size: 5 * GiB + 1, max: 10 * GiB },
];

describe('I. a size one byte over a limit is told in exact bytes', () => {
  it.each(SIZES)('$what → 413 naming both sizes exactly', async ({ op, size, max }) => {
    const h = handlerFor({ maxFileSize: max });
    const limit = Math.min(max, 5 * GiB);
    const response = await h.call(op, { file: file(size, 'big.png') });
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'file-too-large' } } });
    const message = digits(response.body.error.message);
    expect(message).toContain(String(size));
    expect(message).toContain(String(limit));
    expect(response.body.error.message).not.toMatch(/(\d+(\.\d+)? [KMG]i?B)\b.*\b\1(?!\d)/);
    await expectNothingSigned(h, response);
  });
});
