/** The options of LocalFileSystem, their defaults and their checks. */
import type { SweepSettings } from './sweep-schedule.js';

/**
 * What happens to a file while it is being uploaded:
 * - `atomic`: the data goes to a hidden temporary file in the same directory, renamed over
 *   the target only when the upload completes; an aborted upload leaves the previous
 *   file untouched and removes the temporary file.
 * - `in-place`: the target is truncated and written directly; an aborted upload leaves
 *   the partial data.
 * Appends (APPE) and resumed uploads (REST + STOR) always write in place.
 */
export type UploadPolicy = 'atomic' | 'in-place';

/** Options of {@link LocalFileSystem}. */
export interface LocalFileSystemOptions {
  /** Host directory served as `/`. Must exist; symbolic links in it are resolved once. */
  root: string;
  /** See {@link UploadPolicy}. Default `'atomic'`, which never loses the previous file. */
  uploadPolicy?: UploadPolicy;
  /** Bytes read from disk at a time for downloads. Default 1 MiB. */
  readBufferSize?: number;
  /** Bytes an upload buffers before asking the sender to wait. Default 1 MiB. */
  writeBufferSize?: number;
  /**
   * fsync each upload (and, for atomic uploads, its directory) before reporting it
   * complete, so 'finish' survives a power cut. Default true; false trades that for speed
   * with many small files.
   */
  fsync?: boolean;
  /** Show owner and group names from /etc/passwd and /etc/group; false shows numeric ids. Default true. */
  ownerNames?: boolean;
  /**
   * Use the portable jail (realpath checks and O_NOFOLLOW) even where the race-free Linux
   * one (/proc/self/fd) is available. Default false; meant for testing the fallback.
   */
  portableJail?: boolean;
  /**
   * Make metadata lookups (open O_PATH, readlink, stat) as synchronous system calls:
   * microseconds each on a local disk, instead of a thread-pool round trip. Default true;
   * set false for a root on a file system that can stall (NFS, FUSE), so one slow lookup
   * cannot hold up other sessions. The same goes for an upload's open, close and rename,
   * and for the contents of files up to 64 KiB (read or written in one call); larger
   * contents and fsync always go through the thread pool.
   */
  syncMetadata?: boolean;
  /**
   * Use the optional `@ftpkit/native` addon when it is installed and loaded:
   * - listings: entries are read and lstat'ed in batches on the thread pool, with the
   *   same jail guarantees;
   * - on plain data connections, without TYPE A, TLS, limits or transfer-hook transforms
   *   (Linux): downloads of files over 64 KiB (or any size with `syncMetadata: false`)
   *   go into the socket by sendfile(2), and uploads other than APPE come from it by
   *   splice(2), on the thread pool (an upload's first 64 KiB on the main thread with
   *   `syncMetadata`), so their bytes never enter JavaScript.
   * Default true; false (or `FTPKIT_NATIVE=0` in the environment) keeps the JavaScript
   * paths.
   */
  native?: boolean;
  /**
   * Milliseconds after which a leftover temporary file of an atomic upload whose writer
   * cannot be asked (another host, an older version) is removed; it counts from the
   * file's last write, so it must exceed the longest an upload may stall. Files of a
   * crashed process on this host go at once, and live uploads of this process never.
   * Default one hour; `0` or `false` never removes leftovers.
   */
  staleUploadAge?: number | false;
  /**
   * Milliseconds between two sweeps of the whole tree for leftovers, while the file system
   * is open; the first runs when a root is first opened in the process. Listing a
   * directory also removes its leftovers. Default ten minutes; `0` or `false`: only the
   * first sweep (and listings).
   */
  sweepInterval?: number | false;
}

const MINUTE = 60_000;
/** Longest timer Node can set. */
const MAX_DELAY = 2 ** 31 - 1;

/** Sweep settings from the options, or `undefined` when leftovers are never removed. */
export function sweepSettings(options: LocalFileSystemOptions): SweepSettings | undefined {
  const maxAge = duration('staleUploadAge', options.staleUploadAge, 60 * MINUTE);
  if (maxAge === 0) return undefined;
  return { maxAge, interval: duration('sweepInterval', options.sweepInterval, 10 * MINUTE) };
}

function duration(name: string, value: number | false | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === false) return 0;
  if (!Number.isFinite(value) || value < 0 || value > MAX_DELAY) {
    throw new RangeError(`${name} must be from 0 to ${MAX_DELAY} milliseconds, or false`);
  }
  return value;
}
