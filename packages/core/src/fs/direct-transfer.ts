/**
 * Direct transfers: a stream an adapter hands out may offer to move its file's bytes to
 * or from the data connection itself (fs-local does, with sendfile(2) and splice(2)
 * through @ftpkit/native, and with one socket write for a small file it read whole), so
 * that they skip the stream and, with the addon, JavaScript. The core takes
 * an offer only for a plain data connection with nothing between file and socket: no
 * TLS, no TYPE A conversion, no transfer-hook transforms. A file system wrapper that
 * throttles, counts or limits the bytes returns a new stream, which carries no offer,
 * so the bytes keep passing through it.
 */
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** What the core gives a direct transfer. */
export interface DirectTransferOptions {
  /** Fires on ABOR, a vanished client and the data idle timeout: stop, and reject. */
  signal: AbortSignal;
  /** Call with every step's bytes (transfer progress, the data idle timer). */
  count(bytes: number): void;
}

/**
 * Sends the rest of a download stream's file into `socket` (a plain, connected
 * net.Socket with nothing queued) and resolves `true` when every byte went out; the core
 * then ends the connection and destroys the stream. Returns `undefined` at once, before
 * touching either, when it cannot take this socket, and resolves `false` when it found
 * out only by trying, having sent nothing (the file's file system refused): the core
 * then pipes the stream.
 */
export type DirectSend = (socket: Socket, options: DirectTransferOptions) => Promise<boolean> | undefined;

/**
 * Stores what `socket` (a plain, connected net.Socket) receives into an upload sink's
 * file until the client ends the data, and resolves `true` then, with every byte in the
 * file but nothing committed: the core then checks that the client is still there and
 * ends the sink (which commits), or destroys it (which aborts). Returns `undefined` at
 * once, before taking any byte, when it cannot, and resolves `false` when it stopped
 * early (the file's file system refused), with every byte it took stored and counted and
 * the sink ready to write the rest after them: either way the core then pipes the
 * socket into the sink.
 */
export type DirectReceive = (socket: Socket, options: DirectTransferOptions) => Promise<boolean> | undefined;

const SEND = Symbol.for('ftpkit.directSend');
const RECEIVE = Symbol.for('ftpkit.directReceive');

/** Attach a direct send to a download stream an adapter returns from `read`. Returns `stream`. */
export function offerDirectSend<S extends Readable>(stream: S, send: DirectSend): S {
  Object.defineProperty(stream, SEND, { value: send, configurable: true });
  return stream;
}

/** Attach a direct receive to an upload sink an adapter returns from `write`. Returns `sink`. */
export function offerDirectReceive<S extends Writable>(sink: S, receive: DirectReceive): S {
  Object.defineProperty(sink, RECEIVE, { value: receive, configurable: true });
  return sink;
}

/** The direct send `stream` offers, if any (only its own, never one of a stream it wraps). */
export function directSendOf(stream: Readable): DirectSend | undefined {
  const send = (stream as Readable & { [SEND]?: DirectSend })[SEND];
  return typeof send === 'function' ? send : undefined;
}

/** The direct receive `sink` offers, if any (only its own). */
export function directReceiveOf(sink: Writable): DirectReceive | undefined {
  const receive = (sink as Writable & { [RECEIVE]?: DirectReceive })[RECEIVE];
  return typeof receive === 'function' ? receive : undefined;
}
