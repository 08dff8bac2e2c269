import { describe, expect, it } from 'vitest';
import { UploadError } from '../../src/core/errors';
import type { UploadItem, UploadStatus } from '../../src/core/types';
import {
  UPLOAD_ACTION_TYPES,
  canTransition,
  isActive,
  isSettled,
  uploadReducer,
  type UploadAction,
} from '../../src/core/uploadMachine';

type ActionType = UploadAction['type'];

const ALL_STATUSES: readonly UploadStatus[] = [
  'queued',
  'signing',
  'uploading',
  'completing',
  'done',
  'paused',
  'error',
  'canceled',
];

// Written out independently of src/core/uploadMachine.ts: for each action, the statuses it may
// leave from and where it lands. `same` means the status is kept (data-only update).
const EXPECTED: Record<ActionType, Partial<Record<UploadStatus, UploadStatus>>> = {
  sign: { queued: 'signing', uploading: 'signing', completing: 'signing' },
  start: { signing: 'uploading' },
  progress: { signing: 'signing', uploading: 'uploading' },
  key: { signing: 'signing', uploading: 'uploading' },
  complete: { uploading: 'completing' },
  succeed: { completing: 'done' },
  pause: { queued: 'paused', signing: 'paused', uploading: 'paused' },
  resume: { paused: 'queued' },
  fail: { queued: 'error', signing: 'error', uploading: 'error', completing: 'error' },
  retry: { error: 'queued' },
  cancel: {
    queued: 'canceled',
    signing: 'canceled',
    uploading: 'canceled',
    paused: 'canceled',
    error: 'canceled',
  },
  metadata: { queued: 'queued', paused: 'paused' },
};

const SIZE = 1000;

function makeItem(status: UploadStatus, overrides: Partial<UploadItem<string>> = {}): UploadItem<string> {
  return {
    id: 'item-1',
    file: new Blob(['x']),
    name: 'photo.png',
    size: SIZE,
    type: 'image/png',
    mode: 'single',
    status,
    bytesUploaded: 400,
    speed: 250,
    eta: 2.4,
    key: undefined,
    result: undefined,
    error: status === 'error' ? new UploadError('network', 'boom') : undefined,
    metadata: undefined,
    ...overrides,
  };
}

const failure = new UploadError('storage-rejected', 'Storage refused', { status: 403 });

function actionOf(type: ActionType): UploadAction<string> {
  switch (type) {
    case 'progress':
      return { type, bytesUploaded: 700, speed: 123, eta: 5 };
    case 'key':
      return { type, key: 'uploads/abc.png' };
    case 'succeed':
      return { type, result: 'server-result' };
    case 'fail':
      return { type, error: failure };
    case 'metadata':
      return { type, metadata: { alt: 'A red bicycle' } };
    default:
      return { type };
  }
}

const cases = ALL_STATUSES.flatMap((status) =>
  (Object.keys(EXPECTED) as ActionType[]).map((type) => ({
    status,
    type,
    expected: EXPECTED[type][status],
  })),
);

describe('uploadReducer transition table', () => {
  it('covers exactly the expected action types', () => {
    expect([...UPLOAD_ACTION_TYPES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('has 96 status x action cases, 26 of them legal', () => {
    expect(cases).toHaveLength(ALL_STATUSES.length * UPLOAD_ACTION_TYPES.length);
    expect(cases).toHaveLength(96);
    expect(cases.filter((c) => c.expected !== undefined)).toHaveLength(26);
  });

  it.each(cases.filter((c) => c.expected !== undefined))(
    '$status + $type -> $expected (new object)',
    ({ status, type, expected }) => {
      const item = makeItem(status);
      const next = uploadReducer(item, actionOf(type));
      expect(next).not.toBe(item);
      expect(next.status).toBe(expected);
      expect(canTransition(status, type)).toBe(true);
      // The input is never mutated.
      expect(item.status).toBe(status);
    },
  );

  it.each(cases.filter((c) => c.expected === undefined))(
    '$status + $type is illegal and returns the same object',
    ({ status, type }) => {
      const item = makeItem(status);
      const next = uploadReducer(item, actionOf(type));
      expect(next).toBe(item);
      expect(canTransition(status, type)).toBe(false);
    },
  );
});

describe('uploadReducer data updates', () => {
  it('runs the happy path queued -> signing -> uploading -> completing -> done', () => {
    let item = makeItem('queued', { bytesUploaded: 0, speed: 0, eta: undefined });
    const seen: UploadStatus[] = [item.status];
    const steps: UploadAction<string>[] = [
      { type: 'sign' },
      { type: 'key', key: 'k/1' },
      { type: 'start' },
      { type: 'progress', bytesUploaded: 500, speed: 100, eta: 5 },
      { type: 'progress', bytesUploaded: 1000, speed: 100, eta: 0 },
      { type: 'complete' },
      { type: 'succeed', result: 'ok' },
    ];
    for (const action of steps) {
      item = uploadReducer(item, action);
      if (seen[seen.length - 1] !== item.status) seen.push(item.status);
    }
    expect(seen).toEqual(['queued', 'signing', 'uploading', 'completing', 'done']);
    expect(item).toMatchObject({
      status: 'done',
      key: 'k/1',
      result: 'ok',
      bytesUploaded: SIZE,
      speed: 0,
      eta: undefined,
      error: undefined,
    });
  });

  it('ignores a late progress event after cancel', () => {
    const canceled = uploadReducer(makeItem('uploading', { bytesUploaded: 400 }), { type: 'cancel' });
    expect(canceled.status).toBe('canceled');
    const late = uploadReducer(canceled, { type: 'progress', bytesUploaded: 900, speed: 50, eta: 1 });
    expect(late).toBe(canceled);
    expect(late.bytesUploaded).toBe(400);
    expect(late.speed).toBe(0);
  });

  it('progress updates bytes, speed and eta and keeps the status', () => {
    const next = uploadReducer(makeItem('uploading'), actionOf('progress'));
    expect(next).toMatchObject({ status: 'uploading', bytesUploaded: 700, speed: 123, eta: 5 });
  });

  it('key stores the key and keeps the status', () => {
    const next = uploadReducer(makeItem('signing'), actionOf('key'));
    expect(next).toMatchObject({ status: 'signing', key: 'uploads/abc.png', bytesUploaded: 400 });
  });

  it('succeed sets bytesUploaded to size and stores the result', () => {
    const next = uploadReducer(makeItem('completing', { bytesUploaded: 12 }), {
      type: 'succeed',
      result: 'r',
    });
    expect(next.bytesUploaded).toBe(SIZE);
    expect(next.result).toBe('r');
    expect(next.speed).toBe(0);
    expect(next.eta).toBeUndefined();
  });

  it('fail stores the error and zeroes speed and eta', () => {
    const next = uploadReducer(makeItem('uploading'), { type: 'fail', error: failure });
    expect(next.error).toBe(failure);
    expect(next.speed).toBe(0);
    expect(next.eta).toBeUndefined();
    expect(next.bytesUploaded).toBe(400);
  });

  it('retry clears the error', () => {
    const errored = makeItem('error', { error: failure });
    const next = uploadReducer(errored, { type: 'retry' });
    expect(next.status).toBe('queued');
    expect(next.error).toBeUndefined();
  });

  it.each(['complete', 'pause', 'cancel'] as const)('%s zeroes speed and eta', (type) => {
    const next = uploadReducer(makeItem('uploading', { speed: 999, eta: 3 }), { type });
    expect(next.speed).toBe(0);
    expect(next.eta).toBeUndefined();
  });

  it('resume zeroes speed and eta', () => {
    const next = uploadReducer(makeItem('paused', { speed: 7, eta: 3 }), { type: 'resume' });
    expect(next).toMatchObject({ status: 'queued', speed: 0, eta: undefined });
  });

  it('cancel from completing is illegal', () => {
    const completing = makeItem('completing');
    expect(uploadReducer(completing, { type: 'cancel' })).toBe(completing);
    expect(canTransition('completing', 'cancel')).toBe(false);
  });

  it('pause from completing is illegal', () => {
    const completing = makeItem('completing');
    expect(uploadReducer(completing, { type: 'pause' })).toBe(completing);
  });

  it('a double complete and a retry of a done file are ignored', () => {
    const completing = makeItem('completing');
    expect(uploadReducer(completing, { type: 'complete' })).toBe(completing);
    const done = makeItem('done');
    expect(uploadReducer(done, { type: 'retry' })).toBe(done);
  });
});

describe('isSettled / isActive', () => {
  const settled: Record<UploadStatus, boolean> = {
    queued: false,
    signing: false,
    uploading: false,
    completing: false,
    done: true,
    paused: false,
    error: true,
    canceled: true,
  };
  const active: Record<UploadStatus, boolean> = {
    queued: false,
    signing: true,
    uploading: true,
    completing: true,
    done: false,
    paused: false,
    error: false,
    canceled: false,
  };

  it.each(ALL_STATUSES)('isSettled(%s)', (status) => {
    expect(isSettled(status)).toBe(settled[status]);
  });

  it.each(ALL_STATUSES)('isActive(%s)', (status) => {
    expect(isActive(status)).toBe(active[status]);
  });
});
