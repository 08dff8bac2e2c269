// Checks an upload backend against docs/protocol.md (the conformance kit, src/conformance/):
//   npx tsx scripts/conformance.ts --base-url http://127.0.0.1:3000/api/upload \
//     --user-a 'authorization: Bearer alice' --user-b 'authorization: Bearer bob' \
//     [--allowed-type image/png] [--refused-type application/x-msdownload] [--max-file-size BYTES]
//     [--origin https://app.example] [--only id,id] [--timeout-ms 30000] [--verbose]
//     [--s3-endpoint URL --bucket NAME --access-key KEY --secret-key SECRET [--region us-east-1]]
// One line per rule (PASS / FAIL / SKIP), then a summary; exit code 1 on any FAIL, 2 on bad usage.
import { parseArgs } from 'node:util';
import {
  conformanceRules,
  formatReport,
  formatResult,
  runConformance,
  type ConformanceStorage,
} from '../src/conformance/index';

const USAGE = `Usage: npx tsx scripts/conformance.ts --base-url URL --user-a 'header: value' --user-b 'header: value'
  [--allowed-type TYPE] [--refused-type TYPE] [--max-file-size BYTES] [--origin ORIGIN]
  [--only id,id] [--timeout-ms MS] [--list] [--verbose]
  [--s3-endpoint URL --bucket NAME --access-key KEY --secret-key SECRET [--region REGION]]
--user-a and --user-b may be given more than once (one header each). Rules: --list.
--verbose adds what each passing rule saw.`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `name: value` headers, as curl's -H takes them. */
function headersOf(values: string[] | undefined, flag: string): Record<string, string> {
  if (!values?.length)
    usage(`${flag} is required: a header that signs the user in, like 'authorization: Bearer alice'.`);
  return Object.fromEntries(
    values.map((value) => {
      const colon = value.indexOf(':');
      if (colon < 1) usage(`${flag} "${value}" is not a 'name: value' header.`);
      return [value.slice(0, colon).trim().toLowerCase(), value.slice(colon + 1).trim()];
    }),
  );
}

function numberOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) usage(`${flag} must be a positive whole number.`);
  return number;
}

interface StorageFlags {
  's3-endpoint'?: string;
  bucket?: string;
  'access-key'?: string;
  'secret-key'?: string;
  region?: string;
}

async function storageOf(values: StorageFlags): Promise<ConformanceStorage | undefined> {
  const {
    's3-endpoint': endpoint,
    bucket,
    'access-key': accessKeyId,
    'secret-key': secretAccessKey,
  } = values;
  if (endpoint === undefined && bucket === undefined) return undefined;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) {
    usage('Storage access needs all of --s3-endpoint, --bucket, --access-key and --secret-key.');
  }
  // Loaded only when storage access is asked for: the kit itself runs on fetch alone.
  const { S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    endpoint,
    region: values.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { s3, bucket };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        'base-url': { type: 'string' },
        'user-a': { type: 'string', multiple: true },
        'user-b': { type: 'string', multiple: true },
        'allowed-type': { type: 'string' },
        'refused-type': { type: 'string' },
        'max-file-size': { type: 'string' },
        origin: { type: 'string' },
        only: { type: 'string' },
        'timeout-ms': { type: 'string' },
        's3-endpoint': { type: 'string' },
        bucket: { type: 'string' },
        'access-key': { type: 'string' },
        'secret-key': { type: 'string' },
        region: { type: 'string' },
        list: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const rule of conformanceRules) console.log(`${rule.id}: ${rule.description}`);
    return 0;
  }
  const baseUrl = values['base-url'];
  if (!baseUrl) usage('--base-url is required.');
  const only = values.only
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !conformanceRules.some((rule) => rule.id === id)) ?? [];
  if (unknown.length > 0) usage(`Unknown rule ids: ${unknown.join(', ')} (see --list).`);
  const storage = await storageOf(values);
  try {
    const report = await runConformance({
      baseUrl,
      users: { a: headersOf(values['user-a'], '--user-a'), b: headersOf(values['user-b'], '--user-b') },
      ...(values.origin ? { origin: values.origin } : {}),
      ...(values['allowed-type'] ? { allowedType: values['allowed-type'] } : {}),
      ...(values['refused-type'] ? { refusedType: values['refused-type'] } : {}),
      maxFileSize: numberOf(values['max-file-size'], '--max-file-size'),
      timeoutMs: numberOf(values['timeout-ms'], '--timeout-ms'),
      storage,
      only,
      // Each rule's line as soon as it is known; the summary after the last.
      onResult: (result) => {
        console.log(formatResult(result));
        if (values.verbose && result.status === 'pass') console.log(`  ${result.reason}`);
      },
    });
    console.log(formatReport(report).at(-1));
    return report.failed > 0 ? 1 : 0;
  } finally {
    storage?.s3.destroy();
  }
}

process.exitCode = await main();
