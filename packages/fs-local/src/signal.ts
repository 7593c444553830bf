/** AbortSignal plumbing: ABOR or a vanished client ends the operation promptly. */
import type { Stream } from 'node:stream';
import { FsError } from '@ftpkit/core';

/** Throw `Aborted` when `signal` has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FsError('Aborted');
}

/** Destroy `stream` with an `Aborted` error when `signal` fires; unhooks on close. */
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
