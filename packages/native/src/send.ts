/**
 * sendFile: a file's bytes into a plain TCP socket with sendfile(2), on the libuv thread
 * pool, so that they never pass through JavaScript (see src/send.c). Linux only.
 */
import { sendBinding } from './load.js';

/** Options of {@link sendFile}. */
export interface SendFileOptions {
  /**
   * Stops the send. It then rejects with an `AbortError` once the addon has let go of
   * the socket: a step already running on the thread pool ends first (it never waits
   * for the client).
   */
  signal?: AbortSignal;
  /** Called with the bytes of every step that moved some. */
  onProgress?(bytes: number): void;
  /** Most bytes one thread-pool step sends (default 8 MiB): progress and aborts come between steps. */
  chunkSize?: number;
}

/** What {@link sendFile} did in this process so far. */
export interface SendFileStats {
  /** Sends started. */
  readonly started: number;
  /** Bytes sent by all of them. */
  readonly bytes: number;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;
const stats = { started: 0, bytes: 0 };

/** Whether {@link sendFile} works in this process: the addon is loaded, on Linux. */
export function canSendFile(): boolean {
  return sendBinding() !== undefined;
}

/** Sends started and bytes sent by {@link sendFile} in this process (a snapshot). */
export function sendFileStats(): SendFileStats {
  return { ...stats };
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * Send the open regular file `fileFd` from byte `start` to its end (a file that grows
 * meanwhile is sent to its new end) into the connected socket `socketFd`, which must be
 * non-blocking (every Node socket is) with nothing of its own still queued. The addon
 * works on its own duplicates of both descriptors, closed before this settles: the
 * caller may close either meanwhile, and the connection stays open until then.
 * Resolves with the bytes sent; rejects with a Node-style system error (`EPIPE`,
 * `ECONNRESET` when the client went away) or an `AbortError`. Throws when the addon is
 * not loaded ({@link canSendFile}).
 */
export async function sendFile(socketFd: number, fileFd: number, start: number, options: SendFileOptions = {}): Promise<number> {
  const b = sendBinding();
  if (!b) throw new Error('@ftpkit/native sendFile is not available here');
  const { signal, onProgress } = options;
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  if (signal?.aborted) throw abortError();
  const socket = b.dupSocket(socketFd);
  let file: number;
  try {
    file = b.dupFile(fileFd);
  } catch (err) {
    b.closeFd(socket);
    throw err;
  }
  stats.started++;
  // Only a wait for room is cut short; a step on the thread pool is let finish.
  const onAbort = () => b.cancelWait(socket);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let offset = start;
    for (;;) {
      const step = await b.sendChunk(socket, file, offset, chunk);
      if (step.sent > 0) {
        offset += step.sent;
        stats.bytes += step.sent;
        onProgress?.(step.sent);
      }
      if (step.eof) return offset - start;
      if (signal?.aborted) throw abortError();
      if (step.again) {
        const ready = await new Promise<boolean>((resolve) => b.waitWritable(socket, resolve));
        if (!ready || signal?.aborted) throw abortError();
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    b.closeFd(socket);
    b.closeFd(file);
  }
}
