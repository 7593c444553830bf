/**
 * Typed file system errors. Adapters throw these; the core maps each code to an FTP
 * reply, so a backend failure always becomes a well-formed answer.
 */
import { ERROR_BRANDS, hasBrand } from '../errors.js';

/** Why a file system operation failed. */
export type FsErrorCode =
  /** The path does not exist. → 550 */
  | 'NotFound'
  /** The target already exists (MKD of an existing directory). → 550 */
  | 'AlreadyExists'
  /** A directory was expected. → 550 */
  | 'NotADirectory'
  /** A file was expected but the path is a directory. → 550 */
  | 'IsADirectory'
  /** RMD of a directory that still has entries. → 550 */
  | 'NotEmpty'
  /** The backend refused access. → 550 */
  | 'PermissionDenied'
  /** A storage quota or size limit was exceeded. → 552 */
  | 'QuotaExceeded'
  /** The device is full. → 552 */
  | 'NoSpace'
  /** The name is not allowed or too long. → 553 */
  | 'InvalidName'
  /** An argument is out of range (REST beyond the end of a file). → 554 */
  | 'InvalidArgument'
  /** The backend cannot do this at all (MFMT on S3, APPE past a limit). → 504 */
  | 'Unsupported'
  /** A temporary condition (busy, throttled, too many open files); try again. → 450 */
  | 'Unavailable'
  /** The operation was aborted through its AbortSignal. → 426 */
  | 'Aborted';

/** An error an adapter throws to say what went wrong in terms the core understands. */
export class FsError extends Error {
  override readonly name = 'FsError';
  /** The kind of failure; decides the FTP reply. */
  readonly code: FsErrorCode;
  /** Recognised by {@link isFsError} even when thrown by another copy of this package. */
  readonly [ERROR_BRANDS.FsError] = true;

  /**
   * @param code kind of failure
   * @param message text sent to the client after the reply code; keep it free of host paths
   * @param options.cause the underlying error, kept for logs
   */
  constructor(code: FsErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.code = code;
  }
}

const DEFAULT_MESSAGES: Record<FsErrorCode, string> = {
  NotFound: 'No such file or directory',
  AlreadyExists: 'File exists',
  NotADirectory: 'Not a directory',
  IsADirectory: 'Is a directory',
  NotEmpty: 'Directory not empty',
  PermissionDenied: 'Permission denied',
  QuotaExceeded: 'Quota exceeded',
  NoSpace: 'No space left on device',
  InvalidName: 'File name not allowed',
  InvalidArgument: 'Invalid argument',
  Unsupported: 'Operation not supported',
  Unavailable: 'Temporarily unavailable, try again',
  Aborted: 'Operation aborted',
};

/**
 * True when `err` is an {@link FsError} (optionally of the given code), made by this or
 * any other copy of `@ftpkit/core`. Use it rather than `instanceof`.
 */
export function isFsError(err: unknown, code?: FsErrorCode): err is FsError {
  return hasBrand(err, ERROR_BRANDS.FsError) && (code === undefined || (err as FsError).code === code);
}

/** Reply code and text for an error raised by an adapter (or anything else). */
export function replyForError(err: unknown): { code: number; text: string } {
  if (!isFsError(err)) return { code: 451, text: 'Local error in processing' };
  switch (err.code) {
    case 'QuotaExceeded':
    case 'NoSpace':
      return { code: 552, text: err.message };
    case 'InvalidName':
      return { code: 553, text: err.message };
    case 'InvalidArgument':
      return { code: 554, text: err.message };
    case 'Unsupported':
      return { code: 504, text: err.message };
    case 'Unavailable':
      return { code: 450, text: err.message };
    case 'Aborted':
      return { code: 426, text: err.message };
    default:
      return { code: 550, text: err.message };
  }
}
