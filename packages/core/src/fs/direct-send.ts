/**
 * Direct sends: a download stream may offer to put its file into the data connection
 * itself (sendfile(2) from fs-local with @ftpkit/native), so that the bytes skip the
 * stream and JavaScript. The core takes the offer only for a plain data connection with
 * nothing between file and socket: no TLS, no TYPE A conversion, no transfer-hook
 * transforms. A file system wrapper that throttles or counts the bytes returns a new
 * stream, which carries no offer, so the bytes keep passing through it.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** What the core gives a direct send. */
export interface DirectSendOptions {
  /** Fires on ABOR, a vanished client and the data idle timeout: stop, and reject. */
  signal: AbortSignal;
  /** Call with every step's bytes (transfer progress, the data idle timer). */
  count(bytes: number): void;
}

/**
 * Sends the rest of the stream's file into `socket` (a plain, connected net.Socket with
 * nothing queued) and resolves when every byte went out; the core then ends the
 * connection and destroys the stream. Returns `undefined` at once, before touching
 * either, when it cannot take this socket: the core then pipes the stream as usual.
 */
export type DirectSend = (socket: Socket, options: DirectSendOptions) => Promise<void> | undefined;

const OFFER = Symbol.for('ftpkit.directSend');

/** Attach a direct send to a download stream an adapter returns from `read`. Returns `stream`. */
export function offerDirectSend<S extends Readable>(stream: S, send: DirectSend): S {
  Object.defineProperty(stream, OFFER, { value: send, configurable: true });
  return stream;
}

/** The direct send `stream` offers, if any (only its own, never one of a stream it wraps). */
export function directSendOf(stream: Readable): DirectSend | undefined {
  const send = (stream as Readable & { [OFFER]?: DirectSend })[OFFER];
  return typeof send === 'function' ? send : undefined;
}
