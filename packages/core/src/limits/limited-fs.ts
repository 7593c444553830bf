/**
 * A FileSystem wrapper that enforces per-user limits on any adapter: a storage quota,
 * a largest file size and bandwidth limits. Exceeding a quota fails the upload with
 * `QuotaExceeded` (552) the moment the next chunk would not fit; the wrapped adapter's
 * upload stream is destroyed, so its own upload policy decides what is left (an atomic
 * adapter keeps the previous file).
 */
import type { Readable, Writable } from 'node:stream';
import { FsError, isFsError } from '../fs/errors.js';
import type { FileStat, FileSystem, OperationOptions, ReadOptions, WriteOptions } from '../fs/filesystem.js';
import { quotaExceeded, type StorageQuota } from './storage-quota.js';
import { LimitedSink, throttleReadable } from './throttle.js';
import type { BandwidthBucket } from './token-bucket.js';

/** What {@link limitFileSystem} enforces. Every field is optional. */
export interface FileSystemLimits {
  /** Storage quota, usually shared by every session of one user. */
  quota?: StorageQuota;
  /** Largest size a file may reach through an upload, in bytes. */
  maxFileSize?: number;
  /** Buckets uploads pass through (e.g. one per session and one shared per user). */
  upload?: readonly BandwidthBucket[];
  /** Buckets downloads pass through. */
  download?: readonly BandwidthBucket[];
}

/**
 * Wrap `fs` so that every upload and download obeys `limits`. Every other call, with its
 * options (the signal), goes to `fs`; closing the wrapper closes `fs`, so the core does
 * that only when the login owns `fs` (`AuthResult.ownsFileSystem`).
 */
export function limitFileSystem(fs: FileSystem, limits: FileSystemLimits): FileSystem {
  return new LimitedFileSystem(fs, limits);
}

/** Size of `path`, or 0 when it does not exist. */
async function sizeOf(fs: FileSystem, path: string, options?: OperationOptions): Promise<number> {
  try {
    const stat = await fs.stat(path, options);
    return stat.type === 'file' ? stat.size : 0;
  } catch (err) {
    if (isFsError(err, 'NotFound')) return 0;
    throw err;
  }
}

class LimitedFileSystem implements FileSystem {
  readonly capabilities: FileSystem['capabilities'];
  readonly setTimes?: FileSystem['setTimes'];
  readonly chmod?: FileSystem['chmod'];
  readonly hash?: FileSystem['hash'];
  readonly availableSpace?: FileSystem['availableSpace'];

  constructor(
    private readonly fs: FileSystem,
    private readonly limits: FileSystemLimits,
  ) {
    this.capabilities = fs.capabilities;
    // Only offer what the adapter offers: FEAT, MFMT, SITE CHMOD and AVBL look at these.
    if (fs.setTimes) this.setTimes = (path, mtime, options) => fs.setTimes!(path, mtime, options);
    if (fs.chmod) this.chmod = (path, mode, options) => fs.chmod!(path, mode, options);
    if (fs.hash) this.hash = (path, algorithm, options) => fs.hash!(path, algorithm, options);
    if (fs.availableSpace || limits.quota) this.availableSpace = (path, options) => this.spaceLeft(path, options);
  }

  stat(path: string, options?: OperationOptions): Promise<FileStat> {
    return this.fs.stat(path, options);
  }

  list(path: string, options?: OperationOptions): AsyncIterable<FileStat> {
    return this.fs.list(path, options);
  }

  async read(path: string, options?: ReadOptions): Promise<Readable> {
    const source = await this.fs.read(path, options);
    const buckets = this.limits.download ?? [];
    return buckets.length > 0 ? throttleReadable(source, buckets) : source;
  }

  async write(path: string, options: WriteOptions = {}): Promise<Writable> {
    const { quota, maxFileSize } = this.limits;
    const buckets = this.limits.upload ?? [];
    if (!quota && maxFileSize === undefined && buckets.length === 0) return this.fs.write(path, options);

    const signal = options.signal ? { signal: options.signal } : undefined;
    const existing = quota || (maxFileSize !== undefined && options.append) ? await sizeOf(this.fs, path, signal) : 0;
    // Where the new bytes start in the file: REST offset, end of file (APPE) or 0.
    const base = options.start ?? (options.append ? existing : 0);
    const announced = options.sizeHint !== undefined ? base + options.sizeHint : undefined;
    if (maxFileSize !== undefined && announced !== undefined && announced > maxFileSize) throw tooLarge(maxFileSize);
    if (quota && announced !== undefined && announced - existing > (await quota.refresh())) throw quotaExceeded(quota.maxBytes);

    const inner = await this.fs.write(path, options);
    const reservation = quota?.upload();
    let written = 0;
    let claimed = 0; // growth of the file beyond its old size, reserved in the quota
    return new LimitedSink(inner, {
      buckets,
      admit: (bytes) => {
        const size = base + written + bytes;
        if (maxFileSize !== undefined && size > maxFileSize) throw tooLarge(maxFileSize);
        written += bytes;
        if (!reservation) return undefined;
        const growth = Math.max(0, size - existing);
        const more = growth - claimed;
        claimed = growth;
        return reservation.claim(more);
      },
      settle: async () => {
        if (!reservation) return;
        // Whatever the backend kept (all, part or none of it) is what counts; measured
        // without the signal, which has fired when the upload was aborted.
        await reservation.settle((await sizeOf(this.fs, path).catch(() => existing)) - existing);
      },
    });
  }

  mkdir(path: string, options?: OperationOptions): Promise<void> {
    return this.fs.mkdir(path, options);
  }

  rmdir(path: string, options?: OperationOptions): Promise<void> {
    return this.fs.rmdir(path, options);
  }

  async remove(path: string, options?: OperationOptions): Promise<void> {
    const size = this.limits.quota ? await sizeOf(this.fs, path, options) : 0;
    await this.fs.remove(path, options);
    await this.limits.quota?.adjust(-size);
  }

  async rename(from: string, to: string, options?: OperationOptions): Promise<void> {
    // A file replaced by the rename no longer takes space.
    const replaced = this.limits.quota && from !== to ? await sizeOf(this.fs, to, options) : 0;
    await this.fs.rename(from, to, options);
    await this.limits.quota?.adjust(-replaced);
  }

  private async spaceLeft(path: string, options?: OperationOptions): Promise<number> {
    const inner = this.fs.availableSpace ? await this.fs.availableSpace(path, options) : Infinity;
    return Math.min(inner, this.limits.quota ? await this.limits.quota.refresh() : Infinity);
  }

  /** Closes the wrapped file system: whoever may close the wrapper owns both. */
  async close(): Promise<void> {
    await this.fs.close?.();
  }
}

function tooLarge(maxFileSize: number): FsError {
  return new FsError('QuotaExceeded', `File size limit exceeded (${maxFileSize} bytes)`);
}
