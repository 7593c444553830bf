/**
 * Streams over memfs file descriptors. memfs works synchronously in memory, so each
 * chunk is copied straight in or out of the volume: nothing is buffered here beyond
 * the stream's own high-water mark.
 */
import { Readable, Writable } from 'node:stream';
import type { Volume } from 'memfs';
import { fsErrorFromErrno } from '@ftpkit/core';

const CHUNK_SIZE = 64 * 1024;

/** Reads an open descriptor from `position` to the end, then closes it. */
export class VolumeReadStream extends Readable {
  #position: number;

  constructor(
    private readonly volume: Volume,
    private readonly fd: number,
    start: number,
  ) {
    super({ highWaterMark: CHUNK_SIZE });
    this.#position = start;
  }

  override _read(size: number): void {
    try {
      const buffer = Buffer.allocUnsafe(Math.max(size, 1));
      const n = this.volume.readSync(this.fd, buffer, 0, buffer.length, this.#position);
      this.#position += n;
      this.push(n === 0 ? null : buffer.subarray(0, n));
    } catch (err) {
      this.destroy(fsErrorFromErrno(err) as Error);
    }
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    try {
      this.volume.closeSync(this.fd);
    } catch {
      // Already closed: nothing to release.
    }
    callback(err);
  }
}

/** What happens to an upload's descriptor once it is closed. */
export interface UploadTarget {
  /** Byte offset of the first write, or `null` to append. */
  position: number | null;
  /** Make the upload visible (rename the temporary file into place). */
  commit?: () => void;
  /** Clean up after an aborted upload (remove the temporary file). */
  discard?: () => void;
}

/**
 * Writes into an open descriptor. `'finish'` fires only after the descriptor is closed
 * and `commit` has run; a destroy before that closes it and runs `discard`.
 */
export class VolumeWriteStream extends Writable {
  #position: number | null;
  #open = true;
  #committed = false;

  constructor(
    private readonly volume: Volume,
    private readonly fd: number,
    private readonly target: UploadTarget,
  ) {
    super({ highWaterMark: CHUNK_SIZE, decodeStrings: true });
    this.#position = target.position;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    try {
      this.volume.writeSync(this.fd, chunk, 0, chunk.length, this.#position);
      if (this.#position !== null) this.#position += chunk.length;
      callback();
    } catch (err) {
      callback(fsErrorFromErrno(err) as Error);
    }
  }

  override _final(callback: (err?: Error | null) => void): void {
    try {
      this.#close();
      this.target.commit?.();
      this.#committed = true;
      callback();
    } catch (err) {
      callback(fsErrorFromErrno(err) as Error);
    }
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    try {
      this.#close();
      if (!this.#committed) this.target.discard?.();
    } catch {
      // Best effort: the upload is being abandoned either way.
    }
    callback(err);
  }

  #close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.volume.closeSync(this.fd);
  }
}
