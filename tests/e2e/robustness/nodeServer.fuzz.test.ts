import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeWireContract, probeRequest } from './fixtures/describeWireContract';
import { FUZZ_TEMPLATES, fuzzRequests, type FuzzCase } from './fixtures/fuzzRequests';
import { presignAndPut } from './fixtures/presignAndPut';
import { describeOutcome, sendRaw, type Outcome } from './fixtures/sendRaw';
import { startServerProcess, type ServerProcess } from './fixtures/startServerProcess';

// `http.createServer(toNodeHandler(handler))` runs in a child process: a request that takes the
// server down shows up as that process exiting, with the stack on its stderr, instead of killing
// the test worker.
const BODY_TIMEOUT_MS = 1000;
const SEED = 0x5eed_0b0d;
const COUNT = 360;
const SEQUENTIAL = 120;
/** Stalled bodies each hold the sequence for a body timeout; the rest run in parallel. */
const SEQUENTIAL_STALLS = 3;
const CONCURRENCY = 20;
const PREFIX = '/api/upload';

const minio = inject('minio');
const start = () => startServerProcess({ minio, bodyTimeoutMs: BODY_TIMEOUT_MS });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to `ms` for the process to be seen exiting (a crash closes sockets just before). */
async function settle(server: ServerProcess, ms = 1000): Promise<void> {
  for (let waited = 0; waited < ms && server.exited() === null; waited += 25) await sleep(25);
}

function crashReport(server: ServerProcess, context: string): string {
  return `the server process exited (${server.exited()}) ${context}; its stderr:\n${server.stderr().slice(-3000)}`;
}

describe('named cases against http.createServer(toNodeHandler(handler)) in a child process', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.stop());

  describeWireContract({
    prefix: PREFIX,
    anyMethodPrefix: PREFIX,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    port: () => server.port,
    async ready() {
      // An earlier case crashed it: start a fresh one so that crash fails only its own test.
      if (server.exited() !== null) server = await start();
    },
    async assertAlive() {
      const probe = await sendRaw(server.port, probeRequest(PREFIX));
      if (probe.ending !== 'answered') await settle(server);
      expect(server.exited(), crashReport(server, 'on this request')).toBeNull();
      expect(describeOutcome(probe), 'a normal presign sent right after this case').toMatch(
        /^answered \[200\]/,
      );
    },
  });
});

/** What went wrong with one fuzz case, as lines for the failure message; none when it went right. */
function problemsOf(fuzzCase: FuzzCase, outcome: Outcome): string[] {
  const problems: string[] = [];
  const statuses = outcome.responses.map((r) => r.status);
  if (statuses.some((status) => status >= 500)) problems.push('a 5xx for malformed input');
  if (outcome.garbage !== undefined) problems.push('bytes back that are not an HTTP response');
  if (outcome.ending === 'refused') problems.push('nobody listening any more');
  const expected = fuzzCase.expect;
  if (expected.kind === 'answer') {
    if (statuses.length === 0) problems.push('a complete request left without a response');
    else if (expected.statuses && !expected.statuses.includes(statuses[0]!)) {
      problems.push(`expected ${expected.statuses.join(' or ')}`);
    }
  }
  if (expected.kind === 'answer-or-close' && outcome.ending === 'timeout') {
    problems.push('neither answered nor closed');
  }
  return problems.map((problem) => `${fuzzCase.name}: ${problem}; got ${describeOutcome(outcome)}`);
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

describe('fuzzing one server process', () => {
  it(`survives ${COUNT} malformed requests in sequence and in parallel, answers each, then still presigns`, async () => {
    const server = await start();
    try {
      const cases = fuzzRequests(SEED, COUNT);
      expect(new Set(cases.map((c) => /^#\d+ (\w+):/.exec(c.name)?.[1]))).toEqual(new Set(FUZZ_TEMPLATES));
      const sequential: FuzzCase[] = [];
      const parallel: FuzzCase[] = [];
      let stalls = 0;
      for (const fuzzCase of cases) {
        const inSequence =
          sequential.length < SEQUENTIAL && (!fuzzCase.stalls || stalls++ < SEQUENTIAL_STALLS);
        (inSequence ? sequential : parallel).push(fuzzCase);
      }

      const results: Array<{ fuzzCase: FuzzCase; outcome: Outcome }> = [];
      let lastSent = '';
      for (const fuzzCase of sequential) {
        if (server.exited() !== null) break;
        lastSent = fuzzCase.name;
        results.push({ fuzzCase, outcome: await sendRaw(server.port, fuzzCase.request) });
        // A crash closes the socket a moment before the exit is seen: name the right case.
        if (results.at(-1)!.outcome.ending !== 'answered') await settle(server, 100);
      }
      expect(server.exited(), crashReport(server, `in the sequence, right after ${lastSent}`)).toBeNull();

      await pool(parallel, CONCURRENCY, async (fuzzCase) => {
        if (server.exited() !== null) return;
        results.push({ fuzzCase, outcome: await sendRaw(server.port, fuzzCase.request) });
      });
      await settle(server, 200);
      expect(server.exited(), crashReport(server, 'during the parallel batches')).toBeNull();

      const problems = results.flatMap(({ fuzzCase, outcome }) => problemsOf(fuzzCase, outcome));
      expect(
        problems.length,
        `${problems.length} of ${results.length} requests went wrong:\n${problems.slice(0, 40).join('\n')}`,
      ).toBe(0);
      expect(results).toHaveLength(COUNT);

      // The same process, after all of that: a normal presign, and MinIO takes the PUT.
      const normal = await presignAndPut(`http://127.0.0.1:${server.port}${PREFIX}`);
      expect(normal).toMatchObject({ presignStatus: 200, putStatus: 200 });
      expect(server.exited(), crashReport(server, 'after the fuzz')).toBeNull();
      // Alive is not enough: a rejection caught by some global listener would still be a bug.
      expect(server.stderr()).not.toMatch(/unhandled|uncaught/i);
    } finally {
      await server.stop();
    }
  }, 50_000);
});
