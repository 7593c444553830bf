import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { LeftoverUploadOptions } from './leftover-uploads.js';
import { presetSettings, type S3Preset } from './presets.js';
import type { ResumeStore } from './resume-store.js';

/** How interrupted uploads are kept for a resume. */
export interface ResumableUploadOptions {
  /** Where the records live. Default: one in-memory store per process. */
  store?: ResumeStore;
  /** Milliseconds an interrupted upload stays resumable. Default 24 h (`DEFAULT_RESUME_TTL_MS`). */
  ttl?: number;
}

const MiB = 1024 * 1024;

/** S3's smallest allowed part (except the last one of an upload). */
export const MIN_PART_SIZE = 5 * MiB;
/** S3's largest allowed part, and the largest object a single CopyObject can copy. */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** S3's limit on the number of parts of one multipart upload. */
export const MAX_PARTS = 10_000;

/** How an {@link S3FileSystem} reaches its bucket and how it bounds its work. */
export interface S3FileSystemOptions extends LeftoverUploadOptions {
  /** The bucket to serve. */
  bucket: string;
  /**
   * Key prefix that becomes the file system's root, e.g. `users/alice` (a trailing
   * slash is added). Nothing outside it is reachable. Default: the whole bucket.
   */
  prefix?: string;
  /** A ready client. When given, `clientConfig` is ignored and `close()` leaves it open. */
  client?: S3Client;
  /**
   * Options for a client the file system creates (and destroys on `close()`): endpoint,
   * region, credentials, `forcePathStyle`. Omitted: the SDK's defaults, i.e. the
   * standard AWS environment variables, profiles and instance roles.
   */
  clientConfig?: S3ClientConfig;
  /**
   * Settings for an S3-compatible store: `aws` (default), `minio` (path-style),
   * `r2` and `b2` (checksums only when required). Fills in what `clientConfig` leaves
   * unset, and sets `storeChecksums`; see the README's table.
   */
  preset?: S3Preset;
  /**
   * Ask S3 to store the SHA-256 of each upload sent as one request (up to `partSize`),
   * so HASH answers from it without reading the object. Default true (false for the
   * `r2` and `b2` presets).
   */
  storeChecksums?: boolean;
  /** Bytes per multipart-upload part; at least 5 MiB. Default 8 MiB. */
  partSize?: number;
  /**
   * Parts of one upload sent in parallel. An upload holds at most
   * `partSize × (queueSize + 1)` bytes in memory. Default 4.
   */
  queueSize?: number;
  /**
   * Largest existing object that APPE or REST+STOR may extend: its kept bytes are
   * streamed back into a new upload, so this bounds the extra transfer. 0 turns append
   * and resumed uploads off (and they are not advertised). Default 256 MiB.
   */
  maxAppendSize?: number;
  /**
   * Keep a multipart upload whose client went away (its completed parts) so that a
   * REST+STOR or APPE at its end continues it without re-uploading; SIZE shows the
   * bytes kept meanwhile. Off by default: kept parts are billed storage until resumed,
   * completed or expired.
   */
  resumableUploads?: ResumableUploadOptions;
  /** Most objects a directory rename may copy; larger renames are refused. Default 1000. */
  maxRenameObjects?: number;
  /** Copies (and multipart-copy parts) run in parallel during a rename. Default 8. */
  copyConcurrency?: number;
  /** Keys per ListObjectsV2 page, 1–1000. Default 1000. */
  listPageSize?: number;
}

/** Options with every default filled in and every limit checked. */
export type ResolvedOptions = Required<
  Omit<S3FileSystemOptions, 'client' | 'clientConfig' | 'prefix' | 'preset' | 'resumableUploads' | keyof LeftoverUploadOptions>
>;

function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`S3FileSystem: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Fill in defaults; throws RangeError on an out-of-range option. */
export function resolveOptions(options: S3FileSystemOptions): ResolvedOptions {
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    throw new TypeError('S3FileSystem: bucket is required');
  }
  const preset = presetSettings(options.preset);
  const ttl = options.resumableUploads?.ttl;
  if (ttl !== undefined) checkInteger('resumableUploads.ttl', ttl, 1);
  return {
    bucket: options.bucket,
    storeChecksums: options.storeChecksums ?? preset.storeChecksums,
    partSize: checkInteger('partSize', options.partSize ?? 8 * MiB, MIN_PART_SIZE, MAX_PART_SIZE),
    queueSize: checkInteger('queueSize', options.queueSize ?? 4, 1, 64),
    maxAppendSize: checkInteger('maxAppendSize', options.maxAppendSize ?? 256 * MiB, 0),
    maxRenameObjects: checkInteger('maxRenameObjects', options.maxRenameObjects ?? 1000, 0),
    copyConcurrency: checkInteger('copyConcurrency', options.copyConcurrency ?? 8, 1, 64),
    listPageSize: checkInteger('listPageSize', options.listPageSize ?? 1000, 1, 1000),
  };
}
