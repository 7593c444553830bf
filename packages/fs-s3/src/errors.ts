/**
 * Translation of whatever the AWS SDK throws (service errors, HTTP failures, network
 * errors, aborts) into the core's typed {@link FsError}s, so a raw SDK error never
 * reaches the protocol engine.
 */
import { FsError, isFsError, type FsErrorCode } from '@ftpkit/core';

const BY_NAME: Record<string, FsErrorCode> = {
  NoSuchKey: 'NotFound',
  NotFound: 'NotFound',
  NoSuchBucket: 'NotFound',
  NoSuchUpload: 'NotFound',
  AccessDenied: 'PermissionDenied',
  Forbidden: 'PermissionDenied',
  AllAccessDisabled: 'PermissionDenied',
  AccountProblem: 'PermissionDenied',
  InvalidAccessKeyId: 'PermissionDenied',
  SignatureDoesNotMatch: 'PermissionDenied',
  ExpiredToken: 'PermissionDenied',
  InvalidToken: 'PermissionDenied',
  InvalidRange: 'InvalidArgument',
  EntityTooLarge: 'QuotaExceeded',
  KeyTooLongError: 'InvalidName',
  SlowDown: 'Unavailable',
  Throttling: 'Unavailable',
  ThrottlingException: 'Unavailable',
  RequestTimeout: 'Unavailable',
  RequestTimeTooSkewed: 'Unavailable',
  ServiceUnavailable: 'Unavailable',
  InternalError: 'Unavailable',
  // An append's source object changed while it was being copied.
  PreconditionFailed: 'Unavailable',
  TimeoutError: 'Unavailable',
  AbortError: 'Aborted',
};

const MESSAGES: Partial<Record<string, string>> = {
  NoSuchBucket: 'No such bucket',
  InvalidAccessKeyId: 'Permission denied: S3 rejected the credentials',
  SignatureDoesNotMatch: 'Permission denied: S3 rejected the credentials',
  ExpiredToken: 'Permission denied: S3 credentials expired',
};

function codeForStatus(status: number | undefined): FsErrorCode {
  if (status === 404) return 'NotFound';
  if (status === 401 || status === 403) return 'PermissionDenied';
  if (status === 416) return 'InvalidArgument';
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return 'PermissionDenied';
  }
  // 408, 429, 5xx, and no status at all: network failures, timeouts, refused connections.
  return 'Unavailable';
}

/** The {@link FsError} for anything thrown by an S3 call. FsErrors pass through. */
export function toFsError(err: unknown): FsError {
  if (isFsError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = BY_NAME[name] ?? codeForStatus(e.$metadata?.httpStatusCode);
  const message =
    MESSAGES[name] ?? (code === 'Unavailable' ? 'S3 is unavailable, try again later' : undefined);
  return new FsError(code, message, { cause: err });
}

/** Await an S3 call, rethrowing any failure as an {@link FsError}. */
export async function s3<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw toFsError(err);
  }
}
