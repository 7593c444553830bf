/**
 * The streams fs-local's `read()` hands out: a small file read whole with one
 * synchronous read and written to the data connection in one go, a larger one streamed
 * from its file handle with sendfile offered through the addon.
 */
import { closeSync, fstatSync, readSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FsError, fsErrorFromErrno, offerDirectSend } from '@ftpkit/core';
import { withDirectSend } from './direct-transfer.js';
import type { Jail } from './jail.js';
import type { NativeModule } from './native-module.js';

/**
 * Files up to this size are read with one synchronous read when metadata calls are
 * synchronous: for a small download the thread-pool round trips of an asynchronous
 * stream (open, read, close) cost far more than the read itself.
 */
export const SMALL_FILE = 64 * 1024;
/** Smallest read chunk, for files that grow while they are downloaded. */
const MIN_READ_CHUNK = 64 * 1024;

/** Read up to `length` bytes at `start` from `fd` and close it (the small-file path). */
export function readSmallFile(fd: number, start: number, length: number): Buffer {
  try {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, buffer, filled, length - filled, start + filled);
      if (n === 0) break; // shrank since it was stat'ed
      filled += n;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** How many bytes a download of `stats` from `start` reads whole (SMALL_FILE at most), or undefined when it streams. */
export function wholeReadLength(stats: Stats, start: number): number | undefined {
  const rest = Math.max(0, stats.size - start);
  return rest <= SMALL_FILE ? rest : undefined;
}

/** Refuse what a download cannot read: a directory, and anything but a regular file. */
export function requireRegularFile(stats: Stats): void {
  if (stats.isDirectory()) throw new FsError('IsADirectory');
  if (!stats.isFile()) throw new FsError('PermissionDenied', 'Not a regular file');
}

/**
 * A regular file of at most SMALL_FILE bytes from `start`, read whole: opened by the
 * jail's one openat2 ({@link Jail.openToRead}), an fstat and a pread. Undefined when it
 * is larger or its lookup must take the jail's longer way (the caller's `jail.open`),
 * as always without the addon's openat2 or with asynchronous metadata calls.
 */
export function readSmallBeneath(jail: Jail, path: string, start: number): { stats: Stats; bytes: Buffer } | undefined {
  const fd = jail.openToRead(path);
  if (fd === undefined) return undefined;
  let stats: Stats;
  try {
    stats = fstatSync(fd);
    requireRegularFile(stats);
  } catch (err) {
    closeSync(fd);
    throw fsErrorFromErrno(err);
  }
  const length = wholeReadLength(stats, start);
  if (length === undefined) {
    closeSync(fd);
    return undefined;
  }
  try {
    return { stats, bytes: readSmallFile(fd, start, length) };
  } catch (err) {
    throw fsErrorFromErrno(err);
  }
}

/**
 * A stream of one buffer. It offers the core a direct send, which writes the buffer to
 * the data connection itself: a small download then skips the stream's pipe, its events
 * and its buffering, which cost more than the bytes.
 */
export function bufferStream(buffer: Buffer): Readable {
  const stream = new Readable({
    read() {
      if (buffer.length > 0) this.push(buffer);
      this.push(null);
    },
  });
  return offerDirectSend(stream, (socket, { signal, count }) => {
    if (stream.readableDidRead || stream.destroyed) return undefined;
    return new Promise<boolean>((resolve, reject) => {
      let watching = false;
      const onAbort = () => {
        socket.destroy();
        reject(new FsError('Aborted'));
      };
      if (signal.aborted) return onAbort();
      socket.write(buffer, (err) => {
        if (watching) signal.removeEventListener('abort', onAbort);
        if (err) return reject(err);
        count(buffer.length);
        resolve(true);
      });
      // Not all taken by the kernel at once: a client that stops reading leaves the rest
      // pending, and ABOR or the data idle timeout end it by closing the connection.
      if (socket.writableLength > 0) {
        watching = true;
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  });
}

/** A stream of `file` (`size` bytes when opened) from `start`, offering sendfile when `native` can. */
export function fileStream(file: FileHandle, size: number, start: number, readBufferSize: number, native: NativeModule | undefined): Readable {
  // Each read allocates a whole chunk: size it to the file, so a 4 KiB download does not
  // allocate (and page-fault) megabytes. A file that grows meanwhile is still read to its end.
  const highWaterMark = Math.min(readBufferSize, Math.max(size - start, MIN_READ_CHUNK));
  const stream = file.createReadStream({ start, highWaterMark });
  if (native?.canTransfer()) withDirectSend(stream, file, start, native);
  return stream;
}
