export { createUploader } from './createUploader';
export type { BackendSource, UploaderOptions } from './createUploader';
export { createUploadEngine } from './core/createUploadEngine';
export type {
  AddOptions,
  ControlCallName,
  ControlRunner,
  UploadEngine,
  UploadEngineCallbacks,
  UploadEngineOptions,
} from './core/engineOptions';
export { UploadError, isUploadError } from './core/errors';
export type { UploadErrorCode } from './core/errors';
export { choosePartSize, planParts, DEFAULT_PART_SIZE, S3_LIMITS } from './core/chunkPlan';
export type { PartSpec } from './core/chunkPlan';
export { backoffDelay, classifyError, parseRetryAfter } from './core/retry';
export type { RetryDecision, RetryOptions } from './core/retry';
export { createScheduler } from './core/scheduler';
export type { Lane, Scheduler } from './core/scheduler';
export { itemFraction, selectProgress, selectStatus } from './core/selectors';
export type { AggregateProgress, AggregateStatus, ResumableUpload, UploaderState } from './core/selectors';
export { canTransition, isActive, isSettled, uploadReducer } from './core/uploadMachine';
export type { UploadAction } from './core/uploadMachine';
export { matchesAccept, parseAccept, validateFile } from './core/validate';
export type { ValidationOptions } from './core/validate';
export { indexedDBSessionStore, memorySessionStore, withHandle } from './core/resumeStore';
export { relativePathOf, withRelativePath } from './core/job';
export type { ResumableFileHandle, SessionRecord, SessionStore, StoredPart } from './core/resumeStore';
export type * from './core/types';
export { httpBackend } from './backends/httpBackend';
export { UPKIT_MIN_PROTOCOL, UPKIT_PROTOCOL } from './core/protocol';
export type { HttpBackendOptions } from './backends/httpBackend';
export { xhrTransport } from './backends/xhrTransport';
