/**
 * When leftover multipart uploads are looked for: when an S3FileSystem is created, then
 * every `sweepInterval` while it is open.
 *
 * Hosts often create one S3FileSystem per session on one shared client, so the schedule
 * belongs to the client, bucket and prefix: instances sharing them share one schedule
 * (with the first one's settings) and a new one does not sweep again before the interval
 * is up. The last `close()` stops it. Timers are unref'd and failures wait for the next
 * sweep: cleaning up must never take the server down or keep the process alive.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { abortLeftoverUploads, type LeftoverUploadOptions } from './leftover-uploads.js';

const HOUR = 3_600_000;
/** Longest timer Node can set. */
const MAX_DELAY = 2 ** 31 - 1;

interface Schedule {
  client: S3Client;
  bucket: string;
  prefix: string;
  maxAge: number;
  interval: number;
  /** Open file systems using this schedule. */
  users: number;
  timer?: NodeJS.Timeout;
  sweeping?: AbortController;
  /** When the last complete sweep started. */
  lastSweep?: number;
}

const byClient = new WeakMap<S3Client, Map<string, Schedule>>();

function milliseconds(name: string, value: number | false | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === false) return 0;
  if (!Number.isFinite(value) || value < 0 || value > MAX_DELAY) {
    throw new RangeError(`S3FileSystem: ${name} must be from 0 to ${MAX_DELAY} milliseconds, or false`);
  }
  return value;
}

/**
 * Abort leftover uploads under `prefix` of `bucket` until the returned function is
 * called (more than once is harmless). Throws RangeError on bad durations.
 */
export function sweepLeftovers(client: S3Client, bucket: string, prefix: string, options: LeftoverUploadOptions): () => void {
  const maxAge = milliseconds('staleUploadAge', options.staleUploadAge, 24 * HOUR);
  const interval = milliseconds('sweepInterval', options.sweepInterval, HOUR);
  if (maxAge === 0) return () => {};
  let schedules = byClient.get(client);
  if (!schedules) byClient.set(client, (schedules = new Map()));
  const id = `${bucket}/${prefix}`;
  let schedule = schedules.get(id);
  if (!schedule) schedules.set(id, (schedule = { client, bucket, prefix, maxAge, interval, users: 0 }));
  if (schedule.users++ === 0) {
    Object.assign(schedule, { maxAge, interval });
    next(schedule);
  }
  const active = schedule;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--active.users > 0) return;
    clearTimeout(active.timer);
    active.sweeping?.abort();
  };
}

/** Plan the next sweep: now if none completed yet, else one interval after the last. */
function next(schedule: Schedule): void {
  const { lastSweep, interval } = schedule;
  if (lastSweep !== undefined && interval <= 0) return;
  const delay = lastSweep === undefined ? 0 : Math.max(0, lastSweep + interval - Date.now());
  schedule.timer = setTimeout(() => void sweep(schedule), delay).unref();
}

async function sweep(schedule: Schedule): Promise<void> {
  const controller = new AbortController();
  schedule.sweeping = controller;
  const started = Date.now();
  const { client, bucket, prefix, maxAge } = schedule;
  await abortLeftoverUploads({ client, bucket, prefix, maxAge, signal: controller.signal }).catch(() => 0);
  if (schedule.sweeping === controller) schedule.sweeping = undefined;
  if (controller.signal.aborted) return;
  schedule.lastSweep = started;
  next(schedule);
}
