import { abortedError } from './errors';

/**
 * `control`: calls to the app's backend (presign, sign parts, complete, abort). Short, and they
 * unblock other work, so they jump the queue.
 * `data`: byte transfers to storage.
 */
export type Lane = 'control' | 'data';

interface Task {
  group: string;
  lane: Lane;
  run: () => void;
}

/** Runs every request of every file under one concurrency limit. */
export interface Scheduler {
  /**
   * Runs `task` when a slot is free. Data tasks are taken round-robin between groups (files), so
   * one large file cannot starve the others. Rejects with an `aborted` UploadError if `signal`
   * aborts while the task is still queued.
   */
  run<T>(group: string, lane: Lane, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Changes the limit; running tasks are never interrupted. */
  setConcurrency(limit: number): void;
  /** Requests running now, by lane. */
  readonly running: { readonly control: number; readonly data: number };
  /** Requests waiting for a slot. */
  readonly queued: number;
}

/**
 * Creates a scheduler with `limit` slots in total. While more than one slot exists, data tasks
 * may hold at most `limit - 1`, so a `complete` call never waits for a long part PUT to finish.
 */
export function createScheduler(limit: number): Scheduler {
  let max = validLimit(limit);
  const running = { control: 0, data: 0 };
  const control: Task[] = [];
  // Round-robin: groups in the order they get their next turn; each with its own FIFO.
  const dataQueues = new Map<string, Task[]>();
  const order: string[] = [];
  let queued = 0;

  const dataCap = () => (max > 1 ? max - 1 : 1);

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

  function pump(): void {
    while (running.control + running.data < max) {
      let task = control.shift();
      if (!task && running.data < dataCap()) task = takeData();
      if (!task) return;
      queued--;
      running[task.lane]++;
      task.run();
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
