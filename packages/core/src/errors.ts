/** A thrown value as an Error, for 'error' events and stream destruction. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
