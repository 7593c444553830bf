/**
 * Hands out an S3 response body as a plain Readable whose errors are FsErrors and
 * which stops (releasing the HTTP connection) when the operation's signal fires or
 * the consumer destroys it.
 */
import { PassThrough, Readable } from 'node:stream';
import { FsError, destroyOnAbort } from '@ftpkit/core';
import { toFsError } from './errors.js';

/** `body` as a Readable of FsErrors that stops when `signal` fires; destroying it frees the connection. */
export function guardBody(body: unknown, signal?: AbortSignal): Readable {
  if (!(body instanceof Readable)) {
    throw new FsError('Unavailable', 'S3 returned no readable body');
  }
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  body.on('error', (err) => out.destroy(toFsError(err)));
  out.once('close', () => body.destroy());
  body.pipe(out);
  return destroyOnAbort(out, signal);
}
