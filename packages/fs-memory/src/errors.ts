/** Translation of memfs's Node-style errno errors into the contract's typed errors. */
import { FsError, isFsError } from '@ftpkit/core';
import type { FsErrorCode } from '@ftpkit/core';

const ERRNO_TO_CODE: Record<string, FsErrorCode> = {
  ENOENT: 'NotFound',
  EEXIST: 'AlreadyExists',
  ENOTDIR: 'NotADirectory',
  EISDIR: 'IsADirectory',
  ENOTEMPTY: 'NotEmpty',
  EACCES: 'PermissionDenied',
  EPERM: 'PermissionDenied',
  EINVAL: 'InvalidArgument',
  ENAMETOOLONG: 'InvalidName',
  ENOSPC: 'NoSpace',
  EMFILE: 'Unavailable',
  ENFILE: 'Unavailable',
  EBUSY: 'Unavailable',
};

/**
 * The {@link FsError} for a memfs errno error; anything else is returned unchanged
 * (the core answers it with a generic 451). The memfs message is kept only as the
 * cause, so no internal path leaks into a reply.
 */
export function toFsError(err: unknown): unknown {
  if (isFsError(err)) return err;
  const errno = (err as { code?: unknown } | null)?.code;
  const code = typeof errno === 'string' ? ERRNO_TO_CODE[errno] : undefined;
  return code ? new FsError(code, undefined, { cause: err }) : err;
}

/** Run a synchronous memfs operation, rethrowing its failure as an {@link FsError}. */
export function guard<T>(operation: () => T): T {
  try {
    return operation();
  } catch (err) {
    throw toFsError(err);
  }
}
