import type {
  FileDescriptor,
  MultipartRef,
  MultipartSession,
  PresignResult,
  SignedPart,
  UploadedPart,
  UploadMode,
} from './types.js';

/** The engine's private, mutable record of one file: what the store's immutable item does not show. */
export interface Job {
  readonly id: string;
  readonly file: Blob;
  readonly desc: FileDescriptor;
  readonly mode: UploadMode;
  controller: AbortController | undefined;
  /** Settles when the current run has stopped touching this job. */
  running: Promise<void>;
  suspended: boolean;
  presigned: (PresignResult & { signedAt: number }) | undefined;
  /** The key (and token) of a single PUT's last URL, so signing it again keeps the key. */
  signedKey: { key: string; token?: string } | undefined;
  /** The single PUT storage accepted, so a retried `complete` sends no byte again. */
  stored: { etag: string | undefined } | undefined;
  /** The open multipart upload and the part size it was planned with. */
  session: (MultipartSession & { partSize: number }) | undefined;
  /** The fingerprint its multipart session is remembered under; cleared when another tab has it. */
  resumeKey: string | undefined;
  /** The fingerprint this job claimed in its engine, freed when it leaves (even if cleared above). */
  readonly claimedKey: string | undefined;
  /** Releases this tab's Web Lock on the remembered session. */
  releaseLock: (() => void) | undefined;
  urls: Map<number, SignedPart & { signedAt: number }>;
  signing: Map<number, Promise<void>>;
  etags: Map<number, UploadedPart>;
  /** Base64 SHA-256 of parts already hashed, by part number, for the current part size. */
  checksums: Map<number, string>;
  doneBytes: number;
  /** Bytes sent by requests in flight, by part number (0 for a single PUT). */
  inflight: Map<number, number>;
  meter: { bytes: number; time: number; speed: number };
}

/** The open multipart upload of a job, with the part size its plan was made with. */
export type OpenSession = NonNullable<Job['session']>;

/** A session without engine-private fields, as sent to the backend. */
export function sessionRef(session: MultipartSession): MultipartRef {
  const { uploadId, key, token } = session;
  return { uploadId, key, ...(token === undefined ? {} : { token }) };
}

/** Bytes acknowledged plus bytes in flight, capped at the file size. */
export function bytesOf(job: Job): number {
  let bytes = job.doneBytes;
  for (const loaded of job.inflight.values()) bytes += loaded;
  return Math.min(bytes, job.desc.size);
}

// Paths of files found inside dropped folders (a File from a folder walk has none of its own).
const relativePaths = new WeakMap<Blob, string>();

/**
 * Remembers where in a dropped or picked folder a file was (`photos/2024/a.jpg`): it is sent to
 * the backend as `metadata.relativePath`, so the folder's structure survives the upload.
 */
export function withRelativePath<T extends Blob>(file: T, path: string): T {
  const clean = path.replace(/^\/+/, '');
  if (clean) relativePaths.set(file, clean);
  return file;
}

/** A file's path inside the folder it came from: a walked drop's, or the folder picker's. */
export function relativePathOf(file: Blob): string | undefined {
  const picked = (file as Partial<File>).webkitRelativePath;
  return relativePaths.get(file) ?? (typeof picked === 'string' && picked ? picked : undefined);
}

/** What the backend is told about a file. */
export function describeFile(file: Blob, metadata: Record<string, string> | undefined): FileDescriptor {
  const { name, lastModified } = file as Partial<File>;
  const desc: FileDescriptor = {
    name: typeof name === 'string' && name ? name : 'blob',
    size: file.size,
    type: file.type,
  };
  if (typeof lastModified === 'number') desc.lastModified = lastModified;
  const relativePath = relativePathOf(file);
  // The app's own `relativePath` wins: it named it on purpose.
  if (relativePath !== undefined) desc.metadata = { relativePath, ...metadata };
  else if (metadata) desc.metadata = metadata;
  return desc;
}

// Made once: a job's first `running` is already settled.
const idle = Promise.resolve();

/**
 * True once anything about the file may have reached the backend: a run was launched, or the job
 * resumes a remembered session.
 */
export function hasStarted(job: Job): boolean {
  return job.running !== idle || job.session !== undefined || job.presigned !== undefined;
}

// A class, so that a job's part maps are made when its upload first needs them: adding 10,000
// files made 50,000 maps, most of them never used (a single PUT needs none of the part maps).
class JobRecord implements Job {
  controller: AbortController | undefined = undefined;
  running = idle;
  suspended = false;
  presigned: Job['presigned'] = undefined;
  signedKey: Job['signedKey'] = undefined;
  stored: Job['stored'] = undefined;
  session: Job['session'] = undefined;
  readonly claimedKey: string | undefined;
  releaseLock: Job['releaseLock'] = undefined;
  doneBytes = 0;
  meter = { bytes: 0, time: 0, speed: 0 };
  #urls: Job['urls'] | undefined;
  #signing: Job['signing'] | undefined;
  #etags: Job['etags'] | undefined;
  #checksums: Job['checksums'] | undefined;
  #inflight: Job['inflight'] | undefined;

  constructor(
    readonly id: string,
    readonly file: Blob,
    readonly desc: FileDescriptor,
    readonly mode: UploadMode,
    public resumeKey: string | undefined,
  ) {
    this.claimedKey = resumeKey;
  }

  get urls() {
    return (this.#urls ??= new Map());
  }
  get signing() {
    return (this.#signing ??= new Map());
  }
  get etags() {
    return (this.#etags ??= new Map());
  }
  get checksums() {
    return (this.#checksums ??= new Map());
  }
  get inflight() {
    return (this.#inflight ??= new Map());
  }
  set inflight(next) {
    this.#inflight = next;
  }
}

export function createJob(
  id: string,
  file: Blob,
  desc: FileDescriptor,
  mode: UploadMode,
  resumeKey: string | undefined,
): Job {
  return new JobRecord(id, file, desc, mode, resumeKey);
}
