/**
 * Zero-copy transfers through the optional `@ftpkit/native` addon (Linux): a download's
 * read stream offers the core a direct send, which puts the file into the data socket by
 * sendfile(2), and an upload's sink a direct receive, which splices the socket's bytes
 * into the file, so that neither passes through JavaScript. The core takes an offer only
 * on plain data connections with nothing between file and socket (see
 * `offerDirectSend` in @ftpkit/core); each offer also declines, and the stream is used
 * as usual, when the socket is not a plain TCP one, has bytes queued or already read,
 * or the stream has begun to move bytes itself. A file system that refuses sendfile or
 * splice (some FUSE and network ones) is found out at the first step: the download
 * then streams from its start, the upload from the first byte the addon did not store.
 */
import type { ReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { offerDirectReceive, offerDirectSend } from '@ftpkit/core';
import type { NativeModule } from './native-module.js';
import type { FileUpload } from './upload.js';

/** What fs-local uses of a net.Socket's libuv handle (a TCP handle on POSIX). */
interface TcpHandle {
  fd?: unknown;
  reading?: boolean;
  readStart?(): number;
  readStop?(): number;
}

function handleOf(socket: Socket): TcpHandle | undefined {
  return (socket as Socket & { _handle?: TcpHandle | null })._handle ?? undefined;
}

/** The socket's own descriptor when Node exposes one, else undefined. */
function descriptorOf(socket: Socket): number | undefined {
  const fd = handleOf(socket)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Make `stream` (reading `file` from `start`) offer a direct send. The addon sends from
 * its own duplicate of the file's descriptor, so an abort may destroy the stream (and
 * close the file) meanwhile.
 */
export function withDirectSend(stream: ReadStream, file: FileHandle, start: number, native: NativeModule): ReadStream {
  return offerDirectSend(stream, (socket, { signal, count }) => {
    const fd = descriptorOf(socket);
    if (fd === undefined || socket.writableLength > 0 || stream.bytesRead > 0 || stream.destroyed) return undefined;
    return native.sendFile(fd, file.fd, start, { signal, onProgress: count }).then(
      () => true,
      (err: unknown) => {
        // Refused before a byte went out: the stream, unread so far, sends the file.
        if (err instanceof native.TransferRefusedError && err.bytes === 0) return false;
        throw err;
      },
    );
  });
}

/**
 * Make `upload` offer a direct receive. Node must stop reading the socket first, or it
 * would take bytes the addon is to splice: a passive data connection is accepted paused,
 * and one that Node has read from already (bytes buffered) is declined.
 */
export function withDirectReceive(upload: FileUpload, native: NativeModule): FileUpload {
  return offerDirectReceive(upload, (socket, { signal, count }) => {
    const fd = descriptorOf(socket);
    const handle = handleOf(socket);
    const target = upload.directTarget();
    if (fd === undefined || !handle?.readStop || !handle.readStart || !target || socket.readableEnded) return undefined;
    const wasReading = handle.reading === true;
    if (wasReading) {
      handle.readStop();
      handle.reading = false;
    }
    if (socket.readableLength > 0) {
      // Bytes already in JavaScript: the stream must carry them, in order.
      if (wasReading) {
        handle.reading = true;
        handle.readStart();
      }
      return undefined;
    }
    const onProgress = (bytes: number) => {
      upload.advance(bytes);
      count(bytes);
    };
    return native.receiveFile(fd, target.fd, target.position, { signal, onProgress, syncBytes: target.syncBytes }).then(
      () => true,
      (err: unknown) => {
        // Every byte taken from the socket was stored and counted (advance): the stream
        // writes the rest after them once the core pipes the socket, which reads again.
        if (err instanceof native.TransferRefusedError) return false;
        throw err;
      },
    );
  });
}
