/**
 * Helpers for FileSystem adapter authors: honour the operation's AbortSignal and turn
 * Node-style errno errors into the contract's typed {@link FsError}s. The adapters
 * shipped with ftpkit (fs-local, fs-memory, fs-s3) use exactly these.
 */
import type { Stream } from 'node:stream';
import { FsError, isFsError, type FsErrorCode } from './errors.js';

/**
 * Throw an `Aborted` {@link FsError} when `signal` has already fired. Call it before
 * starting work and between steps of a long operation (every few hundred list entries).
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FsError('Aborted');
}

/**
 * Destroy `stream` with an `Aborted` {@link FsError} when `signal` fires (at once if it
 * already has), so ABOR or a vanished client stops a read or write the adapter handed
 * out. The listener is removed when the stream closes. Returns `stream`.
 */
export function destroyOnAbort<S extends Stream & { destroy(err?: Error): unknown }>(
  stream: S,
  signal: AbortSignal | undefined,
): S {
  if (!signal) return stream;
  const onAbort = (): void => {
    stream.destroy(new FsError('Aborted'));
  };
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

/**
 * The {@link FsErrorCode} for each Node system error code (`err.code`) an adapter over a
 * POSIX-like store meets. Codes missing here are not file system conditions the client
 * can act on and stay untranslated (the core answers `451 Local error`).
 */
export const ERRNO_CODES: Readonly<Record<string, FsErrorCode>> = {
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

/** Reply texts more telling than the code's default, for some errno codes. */
const ERRNO_MESSAGES: Readonly<Record<string, string>> = {
  EXDEV: 'Cannot move across file systems',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files, try again',
  ENFILE: 'Too many open files, try again',
};

/** The errno code (`'ENOENT'`, ...) of `err`, if it carries one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The {@link FsError} for `err`: FsErrors pass through, an `AbortError` becomes
 * `Aborted`, a known errno code (see {@link ERRNO_CODES}) becomes its typed error with the
 * original kept as `cause` (so no host path reaches a reply), and anything else is
 * returned unchanged so the core answers `451 Local error`.
 */
export function fsErrorFromErrno(err: unknown): unknown {
  if (isFsError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new FsError('Aborted', undefined, { cause: err });
  }
  const errno = errnoOf(err);
  if (errno === undefined || !Object.hasOwn(ERRNO_CODES, errno)) return err;
  return new FsError(ERRNO_CODES[errno]!, ERRNO_MESSAGES[errno], { cause: err });
}
