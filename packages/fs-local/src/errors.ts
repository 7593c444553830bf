/**
 * Failures of Node's file system calls as the core's typed `FsError`s, through the
 * core's errno table. Messages are the core's fixed texts: a host path never reaches a client.
 */
import { fsErrorFromErrno } from '@ftpkit/core';

/** Run `fn`, rethrowing any failure as `fsErrorFromErrno` translates it. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fsErrorFromErrno(err);
  }
}
