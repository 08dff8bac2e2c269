import { bytesOf, type Job } from './job.js';
import type { UploadAction } from './uploadMachine.js';

/**
 * The job's progress as an action, its speed smoothed exponentially with a ~2 s time constant:
 * steady, yet quick to follow. Updates the job's meter.
 */
export function progressAction<TResult>(job: Job, now: number): UploadAction<TResult> {
  const bytes = bytesOf(job);
  const { meter } = job;
  const dt = now - meter.time;
  if (dt >= 100) {
    const instant = (Math.max(0, bytes - meter.bytes) * 1000) / dt;
    const keep = meter.speed === 0 ? 0 : Math.exp(-dt / 2000);
    meter.speed = meter.speed * keep + instant * (1 - keep);
    meter.bytes = bytes;
    meter.time = now;
  }
  const left = job.desc.size - bytes;
  return {
    type: 'progress',
    bytesUploaded: bytes,
    speed: meter.speed,
    eta: meter.speed > 0 ? left / meter.speed : undefined,
  };
}
