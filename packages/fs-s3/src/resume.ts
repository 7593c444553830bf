/**
 * Resumable uploads: a multipart upload whose client went away keeps its completed
 * parts, and a REST (or APPE) at the end of those parts continues it instead of
 * re-uploading. The record (upload id, parts, size) lives in a {@link ResumeStore} with
 * an expiry; S3's own ListParts is asked before a resume, so a record whose upload was
 * aborted meanwhile (a sweeper, a lifecycle rule) is dropped rather than trusted.
 */
import { AbortMultipartUploadCommand, ListPartsCommand, type CompletedPart, type S3Client } from '@aws-sdk/client-s3';
import { FsError, isFsError } from '@ftpkit/core';
import { s3 } from './errors.js';
import type { ResumeStore } from './resume-store.js';

/** A part S3 holds, with what CompleteMultipartUpload needs of it and its size. */
export interface KeptPart extends CompletedPart {
  PartNumber: number;
  Size: number;
}

/** An upload left open for a resume. */
export interface KeptUpload {
  uploadId: string;
  /** Parts 1..n, in order, without gaps. */
  parts: KeptPart[];
}

interface ResumeRecord extends KeptUpload {
  /** Bytes in `parts`. */
  size: number;
  /** When the upload was last written to (ms since the epoch). */
  updated: number;
}

/** Where resume records are kept and for how long. */
export interface ResumeContext {
  client: S3Client;
  bucket: string;
  store: ResumeStore;
  ttlMs: number;
}

/** The store key of the record for `key` in `bucket`. */
export function resumeRecordKey(bucket: string, key: string): string {
  return `ftpkit:s3-resume:${bucket}/${key}`;
}

/**
 * Whether the multipart upload `uploadId` of `key` is kept for a resume, for a sweeper
 * of stale uploads to skip it.
 */
export async function keptForResume(store: ResumeStore, bucket: string, key: string, uploadId: string): Promise<boolean> {
  const record = parse(await store.get(resumeRecordKey(bucket, key)));
  return record?.uploadId === uploadId;
}

function parse(value: string | undefined): ResumeRecord | undefined {
  if (value === undefined) return undefined;
  try {
    const record = JSON.parse(value) as ResumeRecord;
    if (typeof record.uploadId !== 'string' || !Array.isArray(record.parts) || !Number.isSafeInteger(record.size)) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** The kept upload of `key`: its size and time, for stat and SIZE. */
export async function keptUpload(ctx: ResumeContext, key: string): Promise<{ size: number; updated: Date } | undefined> {
  const record = parse(await ctx.store.get(resumeRecordKey(ctx.bucket, key)));
  return record && { size: record.size, updated: new Date(record.updated) };
}

/** Record `upload` of `key` for a resume (it must hold at least one part). */
export async function keepUpload(ctx: ResumeContext, key: string, upload: KeptUpload): Promise<void> {
  const record: ResumeRecord = {
    ...upload,
    size: upload.parts.reduce((sum, p) => sum + p.Size, 0),
    updated: Date.now(),
  };
  await ctx.store.set(resumeRecordKey(ctx.bucket, key), JSON.stringify(record), ctx.ttlMs);
}

/**
 * Abort the kept upload of `key`, if any, and forget it (a new upload from the start, a
 * delete). Returns whether there was one.
 */
export async function discardUpload(ctx: ResumeContext, key: string): Promise<boolean> {
  const recordKey = resumeRecordKey(ctx.bucket, key);
  const record = parse(await ctx.store.get(recordKey));
  if (!record) return false;
  await ctx.store.delete(recordKey);
  try {
    await s3(ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: record.uploadId })));
  } catch (err) {
    if (!isFsError(err, 'NotFound')) throw err;
  }
  return true;
}

/**
 * Take the kept upload of `key` to continue it at byte `offset` (undefined: at its
 * end, for APPE). The offset must fall on a part boundary; parts after it are
 * replaced. Returns undefined when nothing is kept (or S3 no longer has the upload);
 * throws InvalidArgument for an offset between part boundaries.
 */
export async function claimUpload(
  ctx: ResumeContext,
  key: string,
  offset: number | undefined,
  signal?: AbortSignal,
): Promise<KeptUpload | undefined> {
  const recordKey = resumeRecordKey(ctx.bucket, key);
  const record = parse(await ctx.store.get(recordKey));
  if (!record) return undefined;
  const target = offset ?? record.size;
  const boundaries: number[] = [0];
  for (const part of record.parts) boundaries.push(boundaries.at(-1)! + part.Size);
  const count = boundaries.indexOf(target);
  if (count === -1) {
    throw new FsError(
      'InvalidArgument',
      `Restart offset must be where the interrupted upload ended (${record.size}) or at one of its part boundaries`,
    );
  }
  const listed = await listedParts(ctx, key, record.uploadId, signal);
  if (!listed) {
    await ctx.store.delete(recordKey);
    return undefined;
  }
  const parts = record.parts.slice(0, count);
  const intact = parts.every((p) => listed.get(p.PartNumber)?.ETag === p.ETag && listed.get(p.PartNumber)?.Size === p.Size);
  if (!intact) {
    await discardUpload(ctx, key);
    throw new FsError('InvalidArgument', 'The interrupted upload changed on the storage; upload the file from the start');
  }
  // Taken: another session cannot continue the same parts at the same time.
  await ctx.store.delete(recordKey);
  return { uploadId: record.uploadId, parts };
}

/** The parts S3 holds for `uploadId`, by number; undefined when the upload is gone. */
async function listedParts(
  ctx: ResumeContext,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
): Promise<Map<number, { ETag?: string; Size?: number }> | undefined> {
  const parts = new Map<number, { ETag?: string; Size?: number }>();
  let marker: string | undefined;
  try {
    do {
      const out = await s3(
        ctx.client.send(
          new ListPartsCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
          { abortSignal: signal },
        ),
      );
      for (const p of out.Parts ?? []) if (p.PartNumber !== undefined) parts.set(p.PartNumber, { ETag: p.ETag, Size: p.Size });
      marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    if (isFsError(err, 'NotFound')) return undefined;
    throw err;
  }
  return parts;
}
