/**
 * Zero-copy transfers between an open file and a plain TCP socket, on the libuv thread
 * pool, so that the bytes never pass through JavaScript (see src/transfer.c; Linux
 * only): {@link sendFile} by sendfile(2) for downloads, {@link receiveFile} by splice(2)
 * through a pipe for uploads.
 */
import { transferBinding, type Step, type TransferBinding } from './load.js';

/** Options of {@link sendFile} and {@link receiveFile}. */
export interface TransferOptions {
  /**
   * Stops the transfer. It then rejects with an `AbortError` once the addon has let go
   * of the socket: a step already running on the thread pool ends first (within a few
   * milliseconds; it never waits for the client).
   */
  signal?: AbortSignal;
  /** Called with the bytes of every step that moved some. */
  onProgress?(bytes: number): void;
  /** Most bytes one thread-pool step moves (default 8 MiB): progress and aborts come between steps. */
  chunkSize?: number;
}

/** Options of {@link receiveFile}. */
export interface ReceiveOptions extends TransferOptions {
  /**
   * The first this many bytes are stored by calls on the calling thread (never waiting
   * there: an empty socket is waited for on the event loop), the rest on the thread
   * pool. A small upload then costs no thread-pool round trip, which is most of its cost.
   * Default 0.
   */
  syncBytes?: number;
}

/** What the transfers did in this process so far. */
export interface TransferStats {
  /** sendFile calls started. */
  readonly sends: number;
  /** Bytes they sent. */
  readonly sentBytes: number;
  /** receiveFile calls started. */
  readonly receives: number;
  /** Bytes they stored. */
  readonly receivedBytes: number;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;
const stats = { sends: 0, sentBytes: 0, receives: 0, receivedBytes: 0 };

/** Whether {@link sendFile} and {@link receiveFile} work in this process: the addon is loaded, on Linux. */
export function canTransfer(): boolean {
  return transferBinding() !== undefined;
}

/** Transfers started and bytes moved in this process (a snapshot). */
export function transferStats(): TransferStats {
  return { ...stats };
}

/**
 * The file's file system does not move bytes by sendfile(2) or splice(2) (some FUSE and
 * network file systems answer EINVAL, ENOSYS or EOPNOTSUPP). Nothing is lost: the
 * `bytes` moved before are in the socket (send) or the file (receive), including those
 * a receive had taken from the socket when the file refused, and the caller carries on
 * with streams from there.
 */
export class TransferRefusedError extends Error {
  override readonly name = 'TransferRefusedError';

  /**
   * @param code the errno name the kernel answered with
   * @param syscall `sendfile` or `splice`
   * @param bytes bytes moved before the refusal
   */
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly bytes: number,
  ) {
    super(`${code}: this file system refused ${syscall} after ${bytes} bytes`);
  }
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** One direction: its thread-pool step, its step on the calling thread (receive only), its wait, its tally. */
interface Direction {
  syscall: 'sendfile' | 'splice';
  step: TransferBinding['sendChunk'];
  syncStep?: TransferBinding['receiveChunkSync'];
  wait: TransferBinding['waitWritable'];
  count(bytes: number): void;
}

function requireBinding(): TransferBinding {
  const b = transferBinding();
  if (!b) throw new Error('@ftpkit/native transfers are not available here');
  return b;
}

/** The loop both directions share: steps on the thread pool, waits on the event loop, until the end. */
async function transfer(b: TransferBinding, direction: Direction, socketFd: number, fileFd: number, start: number, options: ReceiveOptions): Promise<number> {
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
  // Only a wait on the event loop is cut short; a step on the thread pool is let finish.
  const onAbort = () => b.cancelWait(socket);
  signal?.addEventListener('abort', onAbort, { once: true });
  const { step, syncStep, wait } = direction;
  const syncEnd = start + (syncStep ? (options.syncBytes ?? 0) : 0);
  try {
    let offset = start;
    for (;;) {
      const done: Step = offset < syncEnd ? syncStep!(socket, file, offset, syncEnd - offset) : await step(socket, file, offset, chunk);
      if (done.sent > 0) {
        offset += done.sent;
        direction.count(done.sent);
        onProgress?.(done.sent);
      }
      if (done.refused) throw new TransferRefusedError(done.refused, direction.syscall, offset - start);
      if (done.eof) return offset - start;
      if (signal?.aborted) throw abortError();
      if (done.again) {
        const ready = await new Promise<boolean>((resolve) => wait(socket, resolve));
        if (!ready || signal?.aborted) throw abortError();
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    b.closeFd(socket);
    b.closeFd(file);
  }
}

/**
 * Send the open regular file `fileFd` from byte `start` to its end (a file that grows
 * meanwhile is sent to its new end) into the connected socket `socketFd`, which must be
 * non-blocking (every Node socket is) with nothing of its own still queued. The addon
 * works on its own duplicates of both descriptors, closed before this settles: the
 * caller may close either meanwhile, and the connection stays open until then.
 * Resolves with the bytes sent; rejects with a Node-style system error (`EPIPE`,
 * `ECONNRESET` when the client went away), an `AbortError`, or a
 * {@link TransferRefusedError} when the file's file system takes no sendfile. Throws
 * when the addon is not loaded ({@link canTransfer}).
 */
export function sendFile(socketFd: number, fileFd: number, start: number, options: TransferOptions = {}): Promise<number> {
  const b = requireBinding();
  stats.sends++;
  const direction: Direction = { syscall: 'sendfile', step: b.sendChunk, wait: b.waitWritable, count: (bytes: number) => (stats.sentBytes += bytes) };
  return transfer(b, direction, socketFd, fileFd, start, options);
}

/**
 * Store everything the connected socket `socketFd` receives until the client ends the
 * data into the open regular file `fileFd` (not opened with O_APPEND), from byte
 * `start`. The socket must be non-blocking and Node must not be reading it (its
 * handle's `readStop()`, with nothing buffered), or bytes would go to JavaScript
 * instead. Same duplicates, errors, abort and throw as {@link sendFile}; resolves with
 * the bytes stored (they are in the file, not yet flushed to disk). A
 * {@link TransferRefusedError} (the file takes no splice) comes after every byte read
 * from the socket was stored by write: the rest can be read and written from there.
 */
export function receiveFile(socketFd: number, fileFd: number, start: number, options: ReceiveOptions = {}): Promise<number> {
  const b = requireBinding();
  stats.receives++;
  const direction: Direction = { syscall: 'splice', step: b.receiveChunk, syncStep: b.receiveChunkSync, wait: b.waitReadable, count: (bytes: number) => (stats.receivedBytes += bytes) };
  return transfer(b, direction, socketFd, fileFd, start, options);
}
