/**
 * Downloads by sendfile(2): a read stream over an open file offers the core a direct
 * send (see `offerDirectSend` in @ftpkit/core), which @ftpkit/native's `sendFile` runs
 * from the file's descriptor into the data socket's, so the bytes never enter
 * JavaScript. The core takes the offer only on plain connections with nothing between
 * file and socket; otherwise, or when the socket is not a plain TCP one or has bytes
 * queued, or the stream has begun to be read, the stream is used as usual.
 */
import type { Socket } from 'node:net';
import type { ReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { offerDirectSend } from '@ftpkit/core';
import type { NativeModule } from './native-module.js';

/** The socket's own descriptor when Node exposes one (a TCP socket on POSIX), else undefined. */
function descriptorOf(socket: Socket): number | undefined {
  const handle = (socket as Socket & { _handle?: { fd?: unknown } })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Make `stream` (reading `file` from `start`) offer a direct send through `native`.
 * The addon sends from its own duplicate of the file's descriptor, so the stream may be
 * destroyed (and the file closed) by an abort meanwhile.
 */
export function withDirectSend(stream: ReadStream, file: FileHandle, start: number, native: NativeModule): ReadStream {
  return offerDirectSend(stream, (socket, { signal, count }) => {
    const fd = descriptorOf(socket);
    if (fd === undefined || socket.writableLength > 0 || stream.bytesRead > 0 || stream.destroyed) return undefined;
    return native.sendFile(fd, file.fd, start, { signal, onProgress: count }).then(() => undefined);
  });
}
