/**
 * The client's modification time of an object (MFMT), kept in its user metadata under
 * `mtime` as rclone (and python-swiftclient) store it: seconds since the epoch as a
 * fixed-point decimal string, trailing zeros dropped (`1354040105.123`), so a bucket
 * written by rclone shows its times here and the other way round.
 */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { copyObject, type CopyContext } from './copy.js';

/** The metadata key (sent as `x-amz-meta-mtime`). */
export const MTIME_KEY = 'mtime';

/** `date` as rclone writes it: `1582934398`, `1582934398.5`, `1582934398.123`. */
export function formatMtime(date: Date): string {
  const ms = date.getTime();
  if (ms < 0) return `-${formatMtime(new Date(-ms))}`;
  const seconds = Math.floor(ms / 1000);
  const fraction = String(ms - seconds * 1000).padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${seconds}.${fraction}` : String(seconds);
}

/** The time in an `mtime` value (digits beyond milliseconds are dropped), or undefined. */
export function parseMtime(value: string | undefined): Date | undefined {
  const m = value === undefined ? null : /^(-?)(\d{1,15})(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(m[1] ? -ms : ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The time to show for an object: its stored `mtime`, else S3's LastModified. */
export function objectMtime(head: Pick<HeadObjectCommandOutput, 'Metadata' | 'LastModified'>): Date | undefined {
  return parseMtime(head.Metadata?.[MTIME_KEY]) ?? head.LastModified;
}

/**
 * Store `mtime` on the object at `key`, whose HeadObject is `head`. S3 metadata cannot
 * be edited, so the object is copied onto itself with its metadata replaced (a
 * server-side copy of that very version: no bytes pass through here).
 */
export async function storeMtime(ctx: CopyContext, key: string, head: HeadObjectCommandOutput, mtime: Date): Promise<void> {
  const metadata = { ...head.Metadata, [MTIME_KEY]: formatMtime(mtime) };
  await copyObject(ctx, key, key, head.ContentLength ?? 0, { head, metadata });
}
