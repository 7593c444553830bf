/**
 * Translation of Node's system errors into the core's typed {@link FsError}s.
 * Messages are the core's fixed texts: a host path never reaches a client.
 */
import { FsError, isFsError, type FsErrorCode } from '@ftpkit/core';

const CODE_BY_ERRNO: Readonly<Record<string, FsErrorCode>> = {
  ENOENT: 'NotFound',
  EACCES: 'PermissionDenied',
  EPERM: 'PermissionDenied',
  EROFS: 'PermissionDenied',
  // A symbolic link met where O_NOFOLLOW forbids one: treated like a jail escape.
  ELOOP: 'PermissionDenied',
  ENOSPC: 'NoSpace',
  EDQUOT: 'QuotaExceeded',
  EFBIG: 'QuotaExceeded',
  EEXIST: 'AlreadyExists',
  ENOTEMPTY: 'NotEmpty',
  EISDIR: 'IsADirectory',
  ENOTDIR: 'NotADirectory',
  ENAMETOOLONG: 'InvalidName',
  EINVAL: 'InvalidArgument',
  EXDEV: 'Unsupported',
  EMFILE: 'Unavailable',
  ENFILE: 'Unavailable',
  EAGAIN: 'Unavailable',
  EBUSY: 'Unavailable',
};

const MESSAGE_BY_ERRNO: Readonly<Record<string, string>> = {
  EXDEV: 'Cannot move across file systems',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files, try again',
  ENFILE: 'Too many open files, try again',
};

/**
 * The {@link FsError} for `err`: FsErrors pass through, known errno codes and aborts are
 * translated (keeping the original as `cause` for logs), anything else is returned
 * unchanged so the core answers `451 Local error`.
 */
export function toFsError(err: unknown): unknown {
  if (isFsError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new FsError('Aborted', undefined, { cause: err });
  }
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno !== 'string') return err;
  const code = CODE_BY_ERRNO[errno];
  return code ? new FsError(code, MESSAGE_BY_ERRNO[errno], { cause: err }) : err;
}

/** Run `fn`, rethrowing any failure as {@link toFsError} describes. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFsError(err);
  }
}

/** The errno code of `err`, if it is a Node system error. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

