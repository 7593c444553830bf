/** The error `authenticate` and `beforeLogin` throw to refuse a login deliberately. */
import { ERROR_BRANDS, hasBrand } from '../errors.js';

/** Thrown (or rejected) by `authenticate` to refuse a login with a specific message. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** Recognised by {@link isAuthError} even when thrown by another copy of this package. */
  readonly [ERROR_BRANDS.AuthError] = true;
}

/** True when `err` is an {@link AuthError} made by this or any other copy of `@ftpkit/core`. */
export function isAuthError(err: unknown): err is AuthError {
  return hasBrand(err, ERROR_BRANDS.AuthError);
}
