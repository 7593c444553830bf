/**
 * Aborting incomplete multipart uploads that a crashed server left under the prefix.
 * S3 keeps (and bills) the parts of such an upload until someone aborts it; the object
 * at its key, if any, is untouched either way.
 *
 * S3 cannot say whether the writer of an upload is alive, and uploads of other servers
 * sharing the bucket look the same as ours. So an upload is a leftover only when it is
 * idle: initiated more than `staleUploadAge` ago *and* no part of it uploaded within
 * that time (ListParts' LastModified). A live upload, however long it runs, sends a
 * part every `partSize` bytes, so the age must exceed the longest an upload may stall.
 * The bucket lifecycle rule AbortIncompleteMultipartUpload does the same on S3's side,
 * by age since initiation only (see the README).
 */
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type MultipartUpload,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isFsError } from '@ftpkit/core';
import { s3 } from './errors.js';

/** Options of S3FileSystem about leftover multipart uploads. */
export interface LeftoverUploadOptions {
  /**
   * Milliseconds an incomplete multipart upload under the prefix may sit idle (no part
   * uploaded, initiated earlier than that) before it is aborted. Default 24 hours;
   * `0` or `false` never aborts leftovers.
   */
  staleUploadAge?: number | false;
  /**
   * Milliseconds between two sweeps for leftovers while the file system is open; the
   * first runs when it is created. Default one hour; `0` or `false`: only the first.
   */
  sweepInterval?: number | false;
}

/** What a sweep needs. */
export interface SweepTarget {
  client: S3Client;
  bucket: string;
  /** Key prefix swept: `''` or `something/`. */
  prefix: string;
  /** Milliseconds of idleness after which an upload is a leftover. */
  maxAge: number;
  signal: AbortSignal;
  /** Uploads per ListMultipartUploads page (S3's default and maximum: 1000). */
  pageSize?: number;
  /**
   * Whether an upload is kept on purpose (an interrupted upload waiting for its resume,
   * see `resumableUploads`): such an upload is never a leftover, however idle.
   */
  kept?(key: string, uploadId: string): Promise<boolean>;
}

/** The newest part's upload time of an upload (0 when it has none). */
async function lastPartTime(target: SweepTarget, upload: MultipartUpload): Promise<number> {
  let newest = 0;
  let marker: string | undefined;
  do {
    const out = await s3(
      target.client.send(
        new ListPartsCommand({ Bucket: target.bucket, Key: upload.Key, UploadId: upload.UploadId, PartNumberMarker: marker }),
        { abortSignal: target.signal },
      ),
    );
    for (const part of out.Parts ?? []) newest = Math.max(newest, part.LastModified?.getTime() ?? 0);
    marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
  } while (marker !== undefined);
  return newest;
}

/** Abort `upload` if it is idle; true when it was aborted. */
async function abortIfIdle(target: SweepTarget, upload: MultipartUpload, now: number): Promise<boolean> {
  const { client, bucket, maxAge, signal } = target;
  if (!upload.Key || !upload.UploadId) return false;
  if (now - (upload.Initiated?.getTime() ?? now) <= maxAge) return false;
  if (now - (await lastPartTime(target, upload)) <= maxAge) return false;
  if (await target.kept?.(upload.Key, upload.UploadId)) return false;
  try {
    await s3(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }), { abortSignal: signal }));
    return true;
  } catch (err) {
    if (isFsError(err, 'NotFound')) return false; // completed or aborted meanwhile
    throw err;
  }
}

/**
 * Abort the idle multipart uploads under `target.prefix`, one request at a time; returns
 * how many were aborted. Stops when the signal fires; S3 errors reject.
 */
export async function abortLeftoverUploads(target: SweepTarget): Promise<number> {
  const { client, bucket, prefix, signal } = target;
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3(
      client.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: prefix || undefined,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
          MaxUploads: target.pageSize,
        }),
        { abortSignal: signal },
      ),
    );
    const now = Date.now();
    for (const upload of page.Uploads ?? []) {
      if (signal.aborted) return aborted;
      if (await abortIfIdle(target, upload, now)) aborted++;
    }
    const more = page.IsTruncated === true && page.NextKeyMarker !== undefined;
    keyMarker = more ? page.NextKeyMarker : undefined;
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined && !signal.aborted);
  return aborted;
}
