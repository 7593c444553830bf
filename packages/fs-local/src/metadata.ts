/**
 * Metadata system calls (open O_PATH, readlink, fstat, lstat, close), made either
 * synchronously or through the thread pool. On a local disk each takes microseconds, far
 * less than a thread-pool round trip, and a single download needs about ten of them; so
 * by default they run synchronously. A file system that can stall (NFS, FUSE) should use
 * the asynchronous calls so one slow lookup never holds up every session.
 */
import { closeSync, fstat, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import { promisify } from 'node:util';

/** An open file descriptor used only to pin an object (O_PATH). */
export interface PathHandle {
  readonly fd: number;
  close(): Promise<void>;
}

export interface Metadata {
  /** Whether these calls are made synchronously (they block the event loop). */
  readonly sync: boolean;
  /** stat of an open descriptor (an O_PATH one works): no path lookup at all. */
  fstat(fd: number): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  readlink(path: string): Promise<string>;
  openPath(path: string, flags: number): Promise<PathHandle>;
}

const syncCalls: Metadata = {
  sync: true,
  // async wrappers, so a failing call rejects like its thread-pool twin
  fstat: async (fd) => fstatSync(fd),
  lstat: async (path) => lstatSync(path),
  readlink: async (path) => readlinkSync(path),
  openPath: async (path, flags) => {
    const fd = openSync(path, flags);
    return { fd, close: async () => closeSync(fd) };
  },
};

const asyncCalls: Metadata = {
  sync: false,
  fstat: promisify(fstat),
  lstat: (path) => lstat(path),
  readlink: (path) => readlink(path),
  openPath: async (path, flags) => {
    const handle = await open(path, flags);
    return { fd: handle.fd, close: () => handle.close() };
  },
};

/** The metadata calls to use: synchronous (default) or through the thread pool. */
export function metadataCalls(sync: boolean): Metadata {
  return sync ? syncCalls : asyncCalls;
}
