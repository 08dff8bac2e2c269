// What the longest main-thread tasks between the drop and the last thumbnail are made of, from a
// Chromium trace (bench/previews/run.ts --trace): trace events by self time, and the JS functions
// the V8 sampling profiler saw in them.

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: {
    data?: {
      startTime?: number;
      cpuProfile?: {
        nodes?: Array<{ id: number; parent?: number; callFrame: { functionName?: string; url?: string } }>;
        samples?: number[];
      };
      timeDeltas?: number[];
    };
  };
}

const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;

function top(map: Map<string, number>, n: number): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `    ${ms(us).padStart(9)}  ${name}`)
    .join('\n');
}

/** JS samples on the main thread: [time, stack of function names, leaf first]. */
function samples(events: TraceEvent[], pid: number, tid: number): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  const profiles = events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  for (const profile of profiles) {
    const nodes = new Map<number, { parent?: number; name: string }>();
    let time = profile.args?.data?.startTime ?? 0;
    for (const chunk of events.filter(
      (e) => e.name === 'ProfileChunk' && e.id === profile.id && e.pid === pid,
    )) {
      const data = chunk.args?.data;
      for (const node of data?.cpuProfile?.nodes ?? []) {
        const file = node.callFrame.url?.split('/').pop() ?? '';
        nodes.set(node.id, {
          ...(node.parent === undefined ? {} : { parent: node.parent }),
          name: `${node.callFrame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`,
        });
      }
      const ids = data?.cpuProfile?.samples ?? [];
      const deltas = data?.timeDeltas ?? [];
      ids.forEach((id, i) => {
        time += deltas[i] ?? 0;
        const stack: string[] = [];
        for (let at: number | undefined = id, hops = 0; at !== undefined && hops < 500; hops++) {
          const node = nodes.get(at);
          if (!node) break;
          stack.push(node.name);
          at = node.parent;
        }
        out.push([time, stack]);
      });
    }
  }
  return out;
}

export function summarizeTrace(trace: { traceEvents: TraceEvent[] } | TraceEvent[]): string {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const drop = events.find((e) => e.name === 'bench-drop');
  const drawn = events.find((e) => e.name === 'bench-drawn');
  if (!drop || !drawn) return 'trace: no bench-drop / bench-drawn marks';
  const { pid, tid } = drop;
  const thread = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = thread
    .filter((e) => e.name === 'RunTask' && e.ts + (e.dur ?? 0) > drop.ts && e.ts < drawn.ts)
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  const js = samples(events, pid, tid);
  const lines = [
    `main-thread tasks from drop to drawn (${ms(drawn.ts - drop.ts)}): ${tasks.length}, ` +
      `over 50 ms: ${tasks.filter((t) => (t.dur ?? 0) > 50_000).length}, ` +
      `busy ${ms(tasks.reduce((sum, t) => sum + (t.dur ?? 0), 0))}`,
  ];
  for (const task of tasks.slice(0, 3)) {
    const end = task.ts + (task.dur ?? 0);
    const inside = thread
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    // Self time per event name: each event's duration less its direct children's.
    const self = new Map<string, number>();
    const stack: TraceEvent[] = [];
    const add = (name: string, us: number) => self.set(name, (self.get(name) ?? 0) + us);
    let taskSelf = task.dur ?? 0;
    for (const event of inside) {
      while (stack.length > 0 && (stack.at(-1)?.ts ?? 0) + (stack.at(-1)?.dur ?? 0) <= event.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) add(parent.name, -(event.dur ?? 0));
      else taskSelf -= event.dur ?? 0;
      add(event.name, event.dur ?? 0);
      stack.push(event);
    }
    add('(the task, outside any traced event)', taskSelf);
    const leaf = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let sampled = 0;
    let previous = task.ts;
    for (const [time, names] of js) {
      if (time < task.ts || time > end) continue;
      const weight = time - previous;
      previous = time;
      sampled += weight;
      leaf.set(names[0] ?? '?', (leaf.get(names[0] ?? '?') ?? 0) + weight);
      for (const name of new Set(names)) inclusive.set(name, (inclusive.get(name) ?? 0) + weight);
    }
    lines.push(
      `\n  task of ${ms(task.dur ?? 0)} at +${ms(task.ts - drop.ts)}; trace events by self time:`,
      top(self, 12),
      `  JS samples in it (${ms(sampled)}), by self time:`,
      top(leaf, 12),
      '  ... and inclusive (on the stack):',
      top(inclusive, 15),
    );
  }
  return lines.join('\n');
}
