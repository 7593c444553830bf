/**
 * The system calls of an upload on plain file descriptors, made either synchronously or
 * through the thread pool (see `syncMetadata`). A small upload with thread-pool calls
 * costs open, write, close and rename round trips, each a wake-up of the event loop,
 * which on a busy machine is most of a small file's time; synchronous, they take
 * microseconds. fsync is always asynchronous: it waits for the disk.
 */
import {
  chmod,
  chmodSync,
  close,
  closeSync,
  fchmod,
  fchmodSync,
  fchown,
  fchownSync,
  fstat,
  fstatSync,
  fsync,
  ftruncate,
  ftruncateSync,
  open,
  openSync,
  rename,
  renameSync,
  unlink,
  unlinkSync,
  utimes,
  utimesSync,
  writev,
  writevSync,
  type Stats,
} from 'node:fs';
import { promisify } from 'node:util';

/** File calls of uploads and of DELE, RNTO, MFMT and SITE CHMOD; `write` is synchronous only for the first `syncWriteBytes`. */
export interface FileCalls {
  open(path: string, flags: number, mode: number): Promise<number>;
  /** writev at `position` (null: the file offset); resolves with the bytes written. */
  write(fd: number, buffers: Buffer[], position: number | null, sync: boolean): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  fstat(fd: number): Promise<Stats>;
  ftruncate(fd: number, length: number): Promise<void>;
  fchmod(fd: number, mode: number): Promise<void>;
  fchown(fd: number, uid: number, gid: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Bytes at the start of an upload written synchronously (0: none). */
  readonly syncWriteBytes: number;
}

const writevAsync = promisify(writev);

const pooled: Omit<FileCalls, 'syncWriteBytes'> = {
  open: promisify(open) as (path: string, flags: number, mode: number) => Promise<number>,
  write: async (fd, buffers, position, sync) =>
    sync ? writevSync(fd, buffers, position ?? undefined) : (await writevAsync(fd, buffers, position ?? undefined)).bytesWritten,
  fsync: promisify(fsync),
  close: promisify(close),
  fstat: promisify(fstat) as (fd: number) => Promise<Stats>,
  ftruncate: promisify(ftruncate),
  fchmod: promisify(fchmod),
  fchown: promisify(fchown),
  rename: promisify(rename),
  unlink: promisify(unlink),
  utimes: promisify(utimes),
  chmod: promisify(chmod),
};

// async wrappers, so a failing call rejects like its thread-pool twin
const direct: Omit<FileCalls, 'syncWriteBytes'> = {
  ...pooled,
  open: async (path, flags, mode) => openSync(path, flags, mode),
  close: async (fd) => closeSync(fd),
  fstat: async (fd) => fstatSync(fd),
  ftruncate: async (fd, length) => ftruncateSync(fd, length),
  fchmod: async (fd, mode) => fchmodSync(fd, mode),
  fchown: async (fd, uid, gid) => fchownSync(fd, uid, gid),
  rename: async (from, to) => renameSync(from, to),
  unlink: async (path) => unlinkSync(path),
  utimes: async (path, atime, mtime) => utimesSync(path, atime, mtime),
  chmod: async (path, mode) => chmodSync(path, mode),
};

/**
 * The file calls to use: synchronous (except fsync and writes past `syncWriteBytes`) or
 * all through the thread pool.
 */
export function fileCalls(sync: boolean, syncWriteBytes: number): FileCalls {
  return sync ? { ...direct, syncWriteBytes } : { ...pooled, syncWriteBytes: 0 };
}
