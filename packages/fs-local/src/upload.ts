/**
 * The Writable an upload goes into. Bytes are written straight to an open file; how the
 * upload ends belongs to its {@link UploadSink}: on 'finish' the file is flushed and
 * committed (an atomic upload renames its temporary file into place), on destroy the
 * sink cleans up (an atomic upload removes its temporary file).
 */
import { Writable } from 'node:stream';
import { FsError, fsErrorFromErrno } from '@ftpkit/core';
import type { FileCalls } from './file-calls.js';

/** Where an upload's bytes go and what finishing or aborting it means. */
export interface UploadSink {
  /** Descriptor of the open file receiving the data; the upload closes it. */
  readonly fd: number;
  /** The calls to write, flush and close it with. */
  readonly calls: FileCalls;
  /** Offset of the first byte, or `null` to write at the end of the file (append). */
  readonly position: number | null;
  /** fsync the file before committing, so 'finish' means durably stored. */
  readonly fsync: boolean;
  /** Make the upload visible (rename into place); runs after the file is closed. */
  commit(): Promise<void>;
  /** Clean up after an abort; runs after the file is closed. */
  abort(): Promise<void>;
  /** Release what the upload pinned, after either outcome. */
  release(): Promise<void>;
}

/** A Writable storing into an {@link UploadSink}; destroy() before 'finish' aborts. */
export class FileUpload extends Writable {
  readonly #sink: UploadSink;
  #position: number | null;
  #pending: Promise<void> = Promise.resolve();
  #committed = false;
  #closed = false;
  /** Bytes written so far, which decides whether a write may be synchronous. */
  #written = 0;

  /** @param highWaterMark bytes buffered before the writer is asked to wait */
  constructor(sink: UploadSink, highWaterMark: number) {
    super({ highWaterMark });
    this.#sink = sink;
    this.#position = sink.position;
  }

  /**
   * Where a direct receive may store the upload's bytes: the file's descriptor, the
   * offset of the next byte, and how many first bytes may be stored by calls on the main
   * thread (as the stream's small writes are). Undefined once bytes were written through
   * the stream, when finishing or destroyed, or for an append (a file opened with
   * O_APPEND takes no offset).
   */
  directTarget(): { fd: number; position: number; syncBytes: number } | undefined {
    if (this.#position === null || this.#written > 0 || this.writableLength > 0 || this.writableEnded || this.destroyed) return undefined;
    return { fd: this.#sink.fd, position: this.#position, syncBytes: this.#sink.calls.syncWriteBytes };
  }

  /** Count `bytes` a direct receive stored at the current position. */
  advance(bytes: number): void {
    this.#written += bytes;
    if (this.#position !== null) this.#position += bytes;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#track(this.#writeAll([chunk]), callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (err?: Error | null) => void,
  ): void {
    this.#track(this.#writeAll(chunks.map((c) => c.chunk)), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#track(this.#commit(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Let an in-flight write or commit settle first; anything not committed is aborted.
    const cleanup = async (): Promise<void> => {
      await this.#pending.catch(() => {});
      try {
        await this.#close().catch(() => {});
        if (!this.#committed) await this.#sink.abort();
      } finally {
        await this.#sink.release();
      }
    };
    cleanup().then(
      () => callback(err),
      (cleanupErr: unknown) => callback(err ?? (fsErrorFromErrno(cleanupErr) as Error)),
    );
  }

  async #commit(): Promise<void> {
    if (this.#sink.fsync) await this.#sink.calls.fsync(this.#sink.fd);
    await this.#close();
    // Destroyed while flushing (ABOR racing the last byte): the upload did not complete.
    if (this.destroyed) throw new FsError('Aborted');
    await this.#sink.commit();
    this.#committed = true;
  }

  /** writev until every byte is on disk; a short write continues where it stopped. */
  async #writeAll(buffers: Buffer[]): Promise<void> {
    const { calls, fd } = this.#sink;
    let rest = buffers;
    while (rest.length > 0) {
      const size = rest.reduce((sum, b) => sum + b.length, 0);
      const sync = this.#written + size <= calls.syncWriteBytes;
      const bytesWritten = await calls.write(fd, rest, this.#position, sync);
      this.#written += bytesWritten;
      if (this.#position !== null) this.#position += bytesWritten;
      rest = dropBytes(rest, bytesWritten);
    }
  }

  /** Close the descriptor exactly once: a second close could hit a reused number. */
  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sink.calls.close(this.#sink.fd);
  }

  #track(work: Promise<void>, callback: (err?: Error | null) => void): void {
    this.#pending = work;
    work.then(
      () => callback(),
      (err: unknown) => callback(fsErrorFromErrno(err) as Error),
    );
  }
}

/** `buffers` without their first `count` bytes. */
function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  let skip = count;
  let i = 0;
  while (i < buffers.length && skip >= (buffers[i]?.length ?? 0)) {
    skip -= buffers[i]?.length ?? 0;
    i++;
  }
  const rest = buffers.slice(i);
  const first = rest[0];
  if (first && skip > 0) rest[0] = first.subarray(skip);
  return rest;
}
