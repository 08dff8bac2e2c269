import { describe, expect, it } from 'vitest';
import { UploadError } from '../../src/core/errors';
import { itemFraction, selectProgress, selectStatus } from '../../src/core/selectors';
import type { UploadItem, UploadStatus } from '../../src/core/types';
import { mockUploadItem } from '../../src/msw/mockUploadItem';

const item = (status: UploadStatus, size: number, overrides: Partial<UploadItem> = {}): UploadItem =>
  mockUploadItem({ status, size, ...overrides });

const tooLarge = new UploadError('file-too-large', 'too big');
const networkDown = new UploadError('network', 'net down');

describe('selectProgress', () => {
  it('is all zeros for an empty list', () => {
    expect(selectProgress([])).toEqual({
      bytesUploaded: 0,
      bytesTotal: 0,
      fraction: 0,
      speed: 0,
      eta: 0,
    });
  });

  it('sums bytes, totals and speeds, and derives fraction and eta', () => {
    const items = [
      item('uploading', 1000, { bytesUploaded: 250, speed: 100 }),
      item('uploading', 3000, { bytesUploaded: 750, speed: 150 }),
      item('queued', 1000),
    ];
    expect(selectProgress(items)).toEqual({
      bytesUploaded: 1000,
      bytesTotal: 5000,
      fraction: 0.2,
      speed: 250,
      eta: 16, // 4000 bytes left at 250 B/s
    });
  });

  it('leaves canceled items out of every total', () => {
    const items = [
      item('uploading', 1000, { bytesUploaded: 500, speed: 50 }),
      item('canceled', 9000, { bytesUploaded: 3000, speed: 999 }),
    ];
    expect(selectProgress(items)).toEqual({
      bytesUploaded: 500,
      bytesTotal: 1000,
      fraction: 0.5,
      speed: 50,
      eta: 10,
    });
  });

  it('leaves validation-rejected items out of the totals', () => {
    const items = [item('done', 2000, { bytesUploaded: 2000 }), item('error', 50_000, { error: tooLarge })];
    const progress = selectProgress(items);
    expect(progress.bytesTotal).toBe(2000);
    expect(progress.bytesUploaded).toBe(2000);
    expect(progress.fraction).toBe(1);
    expect(progress.eta).toBe(0);
  });

  it('counts an item that failed with a non-validation error', () => {
    const items = [
      item('done', 2000, { bytesUploaded: 2000 }),
      item('error', 2000, { bytesUploaded: 500, error: networkDown }),
    ];
    const progress = selectProgress(items);
    expect(progress.bytesTotal).toBe(4000);
    expect(progress.bytesUploaded).toBe(2500);
    expect(progress.fraction).toBe(0.625);
    // Nothing is moving, so the time left is unknown.
    expect(progress.speed).toBe(0);
    expect(progress.eta).toBeUndefined();
  });

  it('reports fraction 1 when only empty files count, and 0 when nothing counts', () => {
    expect(selectProgress([item('done', 0)]).fraction).toBe(1);
    expect(selectProgress([item('queued', 0)]).fraction).toBe(1);
    expect(selectProgress([item('canceled', 100), item('error', 5, { error: tooLarge })]).fraction).toBe(0);
  });
});

describe('selectStatus', () => {
  it.each([
    [[], 'idle'],
    [['canceled'], 'idle'],
    [['done', 'done'], 'done'],
    [['done', 'canceled'], 'done'],
    [['done', 'error'], 'error'],
    [['error', 'paused', 'done'], 'paused'],
    [['done', 'error', 'queued'], 'uploading'],
    [['paused', 'signing'], 'uploading'],
    [['paused', 'uploading'], 'uploading'],
    [['error', 'completing'], 'uploading'],
  ] as const satisfies readonly (readonly [readonly UploadStatus[], string])[])(
    '%j -> %s',
    (statuses, expected) => {
      expect(selectStatus(statuses.map((status) => item(status, 10)))).toBe(expected);
    },
  );

  it('reports error for a list holding only a validation-rejected file', () => {
    expect(selectStatus([item('error', 10, { error: tooLarge })])).toBe('error');
  });
});

describe('itemFraction', () => {
  it('divides bytes uploaded by size', () => {
    expect(itemFraction({ status: 'uploading', size: 400, bytesUploaded: 100 })).toBe(0.25);
    expect(itemFraction({ status: 'paused', size: 400, bytesUploaded: 300 })).toBe(0.75);
    expect(itemFraction({ status: 'queued', size: 400, bytesUploaded: 0 })).toBe(0);
  });

  it('is 1 for a done item, even an empty one', () => {
    expect(itemFraction({ status: 'done', size: 400, bytesUploaded: 400 })).toBe(1);
    expect(itemFraction({ status: 'done', size: 0, bytesUploaded: 0 })).toBe(1);
  });

  it('is 0 for an empty item that is not done', () => {
    expect(itemFraction({ status: 'uploading', size: 0, bytesUploaded: 0 })).toBe(0);
  });
});
