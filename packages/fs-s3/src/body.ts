/**
 * Hands out an S3 response body as a plain Readable whose errors are FsErrors and
 * which stops (releasing the HTTP connection) when the operation's signal fires or
 * the consumer destroys it.
 */
import { PassThrough, Readable } from 'node:stream';
import { FsError } from '@ftpkit/core';
import { toFsError } from './errors.js';

export function guardBody(body: unknown, signal?: AbortSignal): Readable {
  if (!(body instanceof Readable)) {
    throw new FsError('Unavailable', 'S3 returned no readable body');
  }
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  const onAbort = (): void => {
    out.destroy(new FsError('Aborted'));
  };
  body.on('error', (err) => out.destroy(toFsError(err)));
  out.once('close', () => {
    signal?.removeEventListener('abort', onAbort);
    body.destroy();
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  body.pipe(out);
  if (signal?.aborted) onAbort();
  return out;
}
