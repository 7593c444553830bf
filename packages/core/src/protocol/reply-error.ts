/**
 * An FTP reply raised as an error: a command handler (built-in or a host's) throws it
 * to answer the client with a specific code and end the command.
 */
import { ERROR_BRANDS, hasBrand } from '../errors.js';

/** Throw it from a command handler or middleware to answer with `code` and `text`. */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  /** Recognised by {@link isReplyError} even when thrown by another copy of this package. */
  readonly [ERROR_BRANDS.ReplyError] = true;
  /**
   * @param code FTP reply code, e.g. 550
   * @param message reply text sent to the client
   */
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when `err` is a {@link ReplyError} made by this or any other copy of `@ftpkit/core`. */
export function isReplyError(err: unknown): err is ReplyError {
  return hasBrand(err, ERROR_BRANDS.ReplyError);
}
