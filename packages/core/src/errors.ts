/** A thrown value as an Error, for 'error' events and stream destruction. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The marks that identify ftpkit's error classes. They are registered symbols
 * (`Symbol.for`), so an error made by another copy of `@ftpkit/core` (npm installs one
 * per version when a host and an adapter disagree) is still recognised, where
 * `instanceof` would see an unrelated class and answer 451.
 */
export const ERROR_BRANDS = Object.freeze({
  FsError: Symbol.for('ftpkit.FsError'),
  ReplyError: Symbol.for('ftpkit.ReplyError'),
  AuthError: Symbol.for('ftpkit.AuthError'),
});

/** Whether `value` carries `brand` (set by the class's constructor, in any copy of the package). */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
