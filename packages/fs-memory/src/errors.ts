/**
 * memfs's Node-style errno errors as the contract's typed errors, through the core's
 * errno table. The memfs message is kept only as the cause, so no internal path leaks
 * into a reply.
 */
import { fsErrorFromErrno } from '@ftpkit/core';

/** Run a synchronous memfs operation, rethrowing its failure as an `FsError`. */
export function guard<T>(operation: () => T): T {
  try {
    return operation();
  } catch (err) {
    throw fsErrorFromErrno(err);
  }
}
