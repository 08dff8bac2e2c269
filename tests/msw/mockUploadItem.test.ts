import { describe, expect, it } from 'vitest';
import { selectProgress } from '../../src/core/selectors';
import { mockUploadItem } from '../../src/msw/mockUploadItem';

describe('mockUploadItem', () => {
  it("is a queued file by default, with a File of the item's name and type", () => {
    const item = mockUploadItem({ name: 'a.png', type: 'image/png' });
    expect(item).toMatchObject({ name: 'a.png', type: 'image/png', status: 'queued', bytesUploaded: 0 });
    expect(item.file).toBeInstanceOf(File);
    expect((item.file as File).name).toBe('a.png');
    expect(item.file.type).toBe('image/png');
  });

  it('gives each item its own id, so lists of them key correctly', () => {
    const ids = new Set(Array.from({ length: 5 }, () => mockUploadItem().id));
    expect(ids.size).toBe(5);
  });

  it('takes the fields it is given, which the selectors then read like real items', () => {
    const items = [
      mockUploadItem({ status: 'uploading', size: 1000, bytesUploaded: 400, speed: 100 }),
      mockUploadItem({ status: 'done', size: 1000, bytesUploaded: 1000 }),
    ];
    expect(selectProgress(items)).toMatchObject({ bytesUploaded: 1400, bytesTotal: 2000, fraction: 0.7 });
  });
});
