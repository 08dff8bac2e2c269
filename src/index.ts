export { createUploader } from './createUploader.js';
export type { BackendSource, UploaderOptions } from './createUploader.js';
export { createUploadEngine } from './core/createUploadEngine.js';
export type {
  AddOptions,
  ControlCallName,
  ControlRunner,
  UploadEngine,
  UploadEngineCallbacks,
  UploadEngineOptions,
} from './core/engineOptions.js';
export { UploadError, isUploadError } from './core/errors.js';
export type { UploadErrorCode } from './core/errors.js';
export { choosePartSize, DEFAULT_PART_SIZE, S3_LIMITS } from './core/chunkPlan.js';
export { planParts } from './core/planParts.js';
export type { PartSpec } from './core/planParts.js';
export { backoffDelay, classifyError, parseRetryAfter } from './core/retry.js';
export type { RetryDecision, RetryOptions } from './core/retry.js';
export { createScheduler } from './core/scheduler.js';
export type { Lane, Scheduler } from './core/scheduler.js';
export { itemFraction, selectProgress, selectStatus } from './core/selectors.js';
export type { AggregateProgress, AggregateStatus, ResumableUpload, UploaderState } from './core/selectors.js';
export { canTransition, isActive, isSettled, uploadReducer } from './core/uploadMachine.js';
export type { UploadAction } from './core/uploadMachine.js';
export { matchesAccept, parseAccept, validateFile } from './core/validate.js';
export type { ValidationOptions } from './core/validate.js';
export { indexedDBSessionStore, memorySessionStore } from './core/resumeStore.js';
export { withHandle } from './core/resumeRecord.js';
export { relativePathOf, withRelativePath } from './core/job.js';
export type { ResumableFileHandle, SessionRecord, SessionStore, StoredPart } from './core/resumeStore.js';
export type * from './core/types.js';
export { httpBackend } from './backends/httpBackend.js';
export { UPKIT_MIN_PROTOCOL, UPKIT_PROTOCOL } from './core/protocol.js';
export type { HttpBackendOptions } from './backends/httpBackend.js';
export { xhrTransport } from './backends/xhrTransport.js';
