/**
 * Storage quota bookkeeping for one user: bytes stored plus bytes of uploads in
 * flight, shared by every session of the user so that parallel uploads cannot
 * overshoot together.
 */
import { FsError } from '../fs/errors.js';
import type { FileSystem } from '../fs/filesystem.js';
import { joinPath } from '../fs/paths.js';

/** Options of a {@link StorageQuota}. */
export interface StorageQuotaOptions {
  /** Most bytes the user may store. */
  maxBytes: number;
  /** Bytes already stored (see {@link measureUsage}). Default 0. */
  usedBytes?: number;
}

/**
 * One user's storage quota: bytes stored plus bytes of uploads in flight, shared by
 * every session of the user so that parallel uploads cannot overshoot together.
 */
export class StorageQuota {
  /** Most bytes the user may store. */
  readonly maxBytes: number;
  private used: number;
  private reserved = 0;

  constructor(options: StorageQuotaOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError('StorageQuota: maxBytes must be a non-negative number');
    this.maxBytes = options.maxBytes;
    this.used = Math.max(0, options.usedBytes ?? 0);
  }

  /** Bytes stored, as far as the quota knows. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes that may still be stored, counting uploads in flight. */
  get availableBytes(): number {
    return Math.max(0, this.maxBytes - this.used - this.reserved);
  }

  /** Claim `bytes` for an upload in flight; throws `QuotaExceeded` when they do not fit. */
  reserve(bytes: number): void {
    if (bytes <= 0) return;
    if (this.used + this.reserved + bytes > this.maxBytes) throw quotaExceeded(this.maxBytes);
    this.reserved += bytes;
  }

  /** Give back bytes claimed with {@link reserve}. */
  release(bytes: number): void {
    this.reserved = Math.max(0, this.reserved - bytes);
  }

  /** Record a change of the stored bytes (a file written, replaced or removed). */
  adjust(deltaBytes: number): void {
    this.used = Math.max(0, this.used + deltaBytes);
  }
}

/** The error for an upload that would not fit in a quota of `maxBytes`. */
export function quotaExceeded(maxBytes: number): FsError {
  return new FsError('QuotaExceeded', `Storage quota exceeded (${maxBytes} bytes)`);
}

/**
 * Total size of the files under `path`, walking the tree with `list`. Costs one listing
 * per directory: measure once per user and keep the {@link StorageQuota}.
 */
export async function measureUsage(fs: FileSystem, path = '/'): Promise<number> {
  let total = 0;
  for await (const entry of fs.list(path)) {
    if (entry.type === 'directory') total += await measureUsage(fs, joinPath(path, entry.name));
    else if (entry.type === 'file') total += entry.size;
  }
  return total;
}
