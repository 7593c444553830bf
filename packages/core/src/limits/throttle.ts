/**
 * Bandwidth-limited streams: a download source and an upload sink that pace bytes
 * through token buckets with timers, so a throttled transfer waits on its own and
 * never holds up the event loop or another session.
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream';
import { pieceSize, takeFromAll, type BandwidthBucket } from './token-bucket.js';

/**
 * Send `chunk` in pieces of at most `size` bytes (see {@link pieceSize}), each once the
 * buckets allow it. Calls `send` for every piece
 * (with a callback for when the next may go) and `done` at the end; returns a function
 * that cancels the pending wait.
 */
function pace(
  buckets: readonly BandwidthBucket[],
  size: number,
  chunk: Buffer,
  send: (piece: Buffer, next: () => void) => void,
  done: () => void,
): { cancel(): void } {
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const after = (piece: Buffer, wait: number): void => {
    if (cancelled) return;
    if (wait <= 0) return send(piece, step);
    timer = setTimeout(() => send(piece, step), wait);
  };
  const step = (): void => {
    if (offset >= chunk.length) return done();
    const piece = chunk.subarray(offset, offset + size);
    offset += piece.length;
    const wait = takeFromAll(buckets, piece.length);
    if (typeof wait === 'number') after(piece, wait);
    else void wait.then((ms) => after(piece, ms));
  };
  step();
  return {
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * `source` paced by `buckets`. Destroying the result (ABOR) destroys the source, and a
 * failing source fails the result.
 */
export function throttleReadable(source: Readable, buckets: readonly BandwidthBucket[]): Readable {
  let pending: { cancel(): void } | undefined;
  const size = pieceSize(buckets);
  const paced = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending = pace(buckets, size, chunk, (piece, next) => (this.push(piece), next()), () => callback());
    },
    destroy(error, callback) {
      pending?.cancel();
      callback(error);
    },
  });
  pipeline(source, paced, () => {});
  return paced;
}

/** What a {@link LimitedSink} enforces around the file system's own upload stream. */
export interface SinkLimits {
  /** Buckets every byte must pass; empty for no bandwidth limit. */
  buckets: readonly BandwidthBucket[];
  /**
   * Called before each chunk is stored; throw or reject (an `FsError`) to fail the
   * upload. A promise (a quota grant from the store) holds the chunk until it settles.
   */
  admit(bytes: number): Promise<void> | undefined;
  /** Called once when the upload has ended: `stored` after the sink finished, else false. */
  settle(stored: boolean): Promise<void> | void;
}

/**
 * A Writable in front of a file system's upload stream. Its `'finish'` waits for the
 * wrapped stream's, so "finished" still means "durably stored"; destroying it destroys
 * the wrapped stream, whose backend then applies its own policy to the partial upload.
 */
export class LimitedSink extends Writable {
  private pending: { cancel(): void } | undefined;
  private settled = false;
  private readonly pieceSize: number;

  constructor(
    private readonly inner: Writable,
    private readonly limits: SinkLimits,
  ) {
    super();
    this.pieceSize = pieceSize(limits.buckets);
    inner.on('error', (err) => this.destroy(err));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let admitted: Promise<void> | undefined;
    try {
      admitted = this.limits.admit(chunk.length);
    } catch (err) {
      return callback(err as Error);
    }
    const go = (): void => {
      if (this.destroyed) return callback();
      if (this.limits.buckets.length === 0) return this.store(chunk, () => callback());
      this.pending = pace(this.limits.buckets, this.pieceSize, chunk, (piece, next) => this.store(piece, next), () => callback());
    };
    if (admitted) admitted.then(go, callback);
    else go();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const inner = this.inner;
    const onFinish = () => {
      inner.off('close', onClose);
      void Promise.resolve(this.settle(true)).then(() => callback(), callback);
    };
    const onClose = () => {
      inner.off('finish', onFinish);
      callback(new Error('the file system closed the upload before storing it'));
    };
    inner.once('finish', onFinish);
    inner.once('close', onClose);
    inner.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pending?.cancel();
    if (this.settled) return callback(error);
    const inner = this.inner;
    const after = () => void Promise.resolve(this.settle(false)).catch(() => {});
    if (inner.destroyed) after();
    else {
      inner.once('close', after);
      inner.destroy(error ?? new Error('upload aborted'));
    }
    callback(error);
  }

  private store(piece: Buffer, next: () => void): void {
    if (this.inner.write(piece)) next();
    else this.inner.once('drain', next);
  }

  private settle(stored: boolean): Promise<void> | void {
    if (this.settled) return;
    this.settled = true;
    return this.limits.settle(stored);
  }
}
