/**
 * The FileSystem contract: everything an adapter author needs, in one file.
 *
 * Paths handed to an adapter are absolute virtual POSIX paths (`/a/b.txt`), already
 * normalised by the core: they start with `/`, contain no `.` or `..` segments, no
 * backslash, no NUL and no empty segment. `/` is the user's root. An adapter never
 * sees a host path and never needs to check for traversal itself (a disk adapter must
 * still refuse symbolic links that leave its root).
 *
 * Failures are reported by throwing an {@link FsError} with one of the
 * {@link FsErrorCode}s; the core turns each into the right FTP reply. Any other thrown
 * value becomes `451 Local error`, never a crash.
 *
 * Every operation takes {@link OperationOptions} with an `AbortSignal`: the core passes
 * one that fires when the client sends ABOR, disconnects or the session is closed. An
 * adapter checks it (the toolkit's `throwIfAborted`) before starting and between steps
 * of a long operation (a directory rename that copies objects one by one), hands it to
 * its backend's calls (the AWS SDK's `abortSignal`), and rejects with `Aborted` once it
 * fired. A step that commits (deleting the source objects of a completed copy) may
 * finish first: what is left must be whole, either before or after the operation.
 *
 * Ownership: the core never closes a FileSystem that `authenticate` returned unless the
 * result says the login owns it (`ownsFileSystem: true`); see {@link FileSystem.close}.
 */
import type { Readable, Writable } from 'node:stream';
import type { HashAlgorithm } from './hash.js';

/** What a directory entry is. */
export type FileType = 'file' | 'directory' | 'symlink';

/** Metadata of one file or directory, as returned by `stat` and `list`. */
export interface FileStat {
  /** Base name of the entry (no slash). For `stat('/')` use `'/'`. */
  name: string;
  /** File, directory or symbolic link. */
  type: FileType;
  /** Size in bytes; 0 for directories where the backend has no size. */
  size: number;
  /** Last modification time. */
  mtime: Date;
  /** Unix permission bits, e.g. `0o644`. Shown in LIST and MLSx `unix.mode`. */
  mode?: number;
  /** Owner and group names (or numeric ids as strings) for LIST. */
  owner?: string;
  /** Group name (or numeric id as a string) for LIST. */
  group?: string;
  /** Hard link count for LIST; defaults to 1. */
  nlink?: number;
  /** For symbolic links: the target, shown as `name -> target` in LIST. */
  target?: string;
}

/** Options every operation takes. */
export interface OperationOptions {
  /** Fires when the client aborts (ABOR) or disconnects, or the session is closed. */
  signal?: AbortSignal;
}

/** Options of {@link FileSystem.read}. */
export interface ReadOptions extends OperationOptions {
  /** Byte offset to start reading at (REST). Defaults to 0. */
  start?: number;
}

/**
 * What {@link FileSystem.read} may resolve to: a Readable that also carries the metadata
 * of the file it reads, as the adapter found it while opening it (one lookup, where a
 * `stat` and a `read` would make two; the size RETR announces matches the bytes sent).
 */
export type ReadStream = Readable & {
  /** The file being read, as {@link FileSystem.stat} would describe it at that moment. */
  fileStat?: FileStat;
};

/** Options of {@link FileSystem.write}. */
export interface WriteOptions extends OperationOptions {
  /**
   * Byte offset to start writing at (REST before STOR): the first `start` bytes of the
   * existing file are kept, everything after them is replaced by the new data.
   * Throw `InvalidArgument` when `start` is beyond the end of the file.
   */
  start?: number;
  /** Append the new data to the end of an existing file (APPE); creates it if missing. */
  append?: boolean;
  /** Expected size, when the client announced it (ALLO); adapters may use it to plan. */
  sizeHint?: number;
}

/**
 * Optional behaviour an adapter can switch off. Everything defaults to supported; a
 * command that needs what is switched off is answered 504.
 */
export interface FsCapabilities {
  /** APPE works. Default true. */
  append?: boolean;
  /** REST before STOR (resumed uploads) works. Default true. */
  resumeUpload?: boolean;
}

/** The storage behind one logged-in user. */
export interface FileSystem {
  /** Optional behaviour switches; see {@link FsCapabilities}. */
  readonly capabilities?: FsCapabilities;

  /** Metadata of `path`. Throws `NotFound` when it does not exist. */
  stat(path: string, options?: OperationOptions): Promise<FileStat>;

  /**
   * Entries of the directory `path`, streamed: yield them as they are fetched so that
   * very large directories never have to be held in memory. Does not yield `.`/`..`.
   * Throws `NotFound` or `NotADirectory`.
   */
  list(path: string, options?: OperationOptions): AsyncIterable<FileStat>;

  /**
   * A stream of the file's bytes from `start`. Throws `NotFound` or `IsADirectory`. An
   * adapter that learns the file's metadata while opening it may say so on the stream
   * ({@link ReadStream}): RETR then needs no `stat` of its own.
   */
  read(path: string, options?: ReadOptions): Promise<Readable>;

  /**
   * A stream that stores the uploaded bytes. The stream's `'finish'` event must mean
   * the data is durably stored (flushed, renamed into place, multipart completed).
   * `destroy(err)` means the upload was aborted: clean up (remove a temporary file,
   * abort a multipart upload) and leave any previous version of the file intact where
   * the backend can. Throws `NotFound` when the parent is missing, `IsADirectory`.
   */
  write(path: string, options?: WriteOptions): Promise<Writable>;

  /** Create a directory. Parent must exist. Throws `AlreadyExists`, `NotFound`. */
  mkdir(path: string, options?: OperationOptions): Promise<void>;

  /** Remove an empty directory. Throws `NotEmpty`, `NotFound`, `NotADirectory`. */
  rmdir(path: string, options?: OperationOptions): Promise<void>;

  /** Remove a file. Throws `NotFound`, `IsADirectory`. */
  remove(path: string, options?: OperationOptions): Promise<void>;

  /** Rename or move a file or directory; replaces an existing file at `to`. */
  rename(from: string, to: string, options?: OperationOptions): Promise<void>;

  /** Set the modification time (MFMT). Absent: MFMT is not offered. */
  setTimes?(path: string, mtime: Date, options?: OperationOptions): Promise<void>;

  /** Change unix permission bits (SITE CHMOD). Absent: SITE CHMOD is not offered. */
  chmod?(path: string, mode: number, options?: OperationOptions): Promise<void>;

  /**
   * A digest the backend already holds for the file at `path` (HASH), as lowercase hex:
   * e.g. a checksum S3 stored at upload time. Resolve `undefined` when there is none for
   * this file or algorithm; the core then computes it by reading the file (within the
   * server's `hash.maxSize`). Absent: the core always computes it.
   */
  hash?(path: string, algorithm: HashAlgorithm, options?: OperationOptions): Promise<string | undefined>;

  /** Free bytes available for uploads under `path` (AVBL / STAT), if known. */
  availableSpace?(path: string, options?: OperationOptions): Promise<number>;

  /**
   * Release resources (timers, clients). Who calls it: the core never closes a
   * FileSystem that `authenticate` returned unless the result says the login owns it
   * (`{ fs, ownsFileSystem: true }`); then it is closed when that login ends (QUIT,
   * REIN, disconnect, server close), after any aborted transfer has cleaned up. A file
   * system shared by several sessions is closed by whoever created it.
   */
  close?(): Promise<void>;
}
