import { abortedError } from './errors.js';

/**
 * `control`: calls to the app's backend (presign, sign parts, complete, abort).
 * `data`: byte transfers to storage.
 * In a browser they go to different origins, each with its own connection pool, so each lane
 * has its own limit and neither waits for the other.
 */
export type Lane = 'control' | 'data';

interface Task {
  group: string;
  lane: Lane;
  run: () => void;
}

/** Runs every request of every file, each lane under its own concurrency limit. */
export interface Scheduler {
  /**
   * Runs `task` when a slot is free. Data tasks are taken round-robin between groups (files), so
   * one large file cannot starve the others. Rejects with an `aborted` UploadError if `signal`
   * aborts while the task is still queued.
   */
  run<T>(group: string, lane: Lane, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Changes the data lane's limit; running tasks are never interrupted. */
  setConcurrency(limit: number): void;
  /** Requests running now, by lane. */
  readonly running: { readonly control: number; readonly data: number };
  /** Requests waiting for a slot. */
  readonly queued: number;
}

/**
 * Creates a scheduler with `limit` data slots (storage PUTs) and `controlLimit` control slots
 * (calls to the app's backend): a `complete` never waits for a part PUT, nor a PUT for a
 * `complete`.
 */
export function createScheduler(limit: number, controlLimit = 4): Scheduler {
  let max = validLimit(limit);
  const controlMax = validLimit(controlLimit);
  const running = { control: 0, data: 0 };
  const control: Task[] = [];
  // Round-robin: groups in the order they get their next turn; each with its own FIFO.
  const dataQueues = new Map<string, Task[]>();
  const order: string[] = [];
  let queued = 0;

  function takeData(): Task | undefined {
    for (let i = 0; i < order.length; i++) {
      const group = order.shift();
      if (group === undefined) break;
      const queue = dataQueues.get(group);
      const task = queue?.shift();
      if (queue && queue.length > 0) order.push(group);
      else dataQueues.delete(group);
      if (task) return task;
    }
    return undefined;
  }

  function start(task: Task): void {
    queued--;
    running[task.lane]++;
    task.run();
  }

  function pump(): void {
    while (running.control < controlMax && control.length > 0) start(control.shift() as Task);
    while (running.data < max) {
      const task = takeData();
      if (!task) return;
      start(task);
    }
  }

  function remove(task: Task): void {
    if (task.lane === 'control') {
      const i = control.indexOf(task);
      if (i >= 0) control.splice(i, 1);
      else return;
    } else {
      const queue = dataQueues.get(task.group);
      const i = queue ? queue.indexOf(task) : -1;
      if (!queue || i < 0) return;
      queue.splice(i, 1);
      if (queue.length === 0) {
        dataQueues.delete(task.group);
        order.splice(order.indexOf(task.group), 1);
      }
    }
    queued--;
  }

  return {
    run<T>(group: string, lane: Lane, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) return reject(abortedError());
        const onAbort = () => {
          remove(task);
          reject(abortedError());
        };
        const task: Task = {
          group,
          lane,
          run: () => {
            signal?.removeEventListener('abort', onAbort);
            let result: Promise<T>;
            try {
              result = fn();
            } catch (error) {
              result = Promise.reject(error);
            }
            result.then(resolve, reject).finally(() => {
              running[lane]--;
              pump();
            });
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queued++;
        if (lane === 'control') control.push(task);
        else {
          const queue = dataQueues.get(group);
          if (queue) queue.push(task);
          else {
            dataQueues.set(group, [task]);
            order.push(group);
          }
        }
        pump();
      });
    },
    setConcurrency(next: number) {
      max = validLimit(next);
      pump();
    },
    get running() {
      return { ...running };
    },
    get queued() {
      return queued;
    },
  };
}

function validLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }
  return limit;
}
