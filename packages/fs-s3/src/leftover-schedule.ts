/**
 * When leftover multipart uploads are looked for: when an S3FileSystem is created, then
 * every `sweepInterval` while it is open. Instances sharing a client, bucket and prefix
 * share one schedule (with the first one's settings), so hosts that create one
 * S3FileSystem per session on a shared client cause no extra requests; the last
 * `close()` stops it (see the core's SharedSchedule).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { SharedSchedule } from '@ftpkit/core';
import { abortLeftoverUploads, type LeftoverUploadOptions, type SweepTarget } from './leftover-uploads.js';

const HOUR = 3_600_000;
/** Longest timer Node can set. */
const MAX_DELAY = 2 ** 31 - 1;

const byClient = new WeakMap<S3Client, SharedSchedule>();

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
export function sweepLeftovers(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: LeftoverUploadOptions,
  kept?: SweepTarget['kept'],
): () => void {
  const maxAge = milliseconds('staleUploadAge', options.staleUploadAge, 24 * HOUR);
  const interval = milliseconds('sweepInterval', options.sweepInterval, HOUR);
  if (maxAge === 0) return () => {};
  let schedule = byClient.get(client);
  if (!schedule) byClient.set(client, (schedule = new SharedSchedule()));
  return schedule.hold(`${bucket}/${prefix}`, interval, (signal) =>
    abortLeftoverUploads({ client, bucket, prefix, maxAge, signal, ...(kept ? { kept } : {}) }),
  );
}
