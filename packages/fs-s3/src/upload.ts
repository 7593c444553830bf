/**
 * A Writable that streams into one S3 object with bounded memory.
 *
 * Bytes collect into a part buffer; each full part goes out as an UploadPart while
 * later bytes keep arriving, at most `queueSize` parts at a time (writes wait for a
 * free slot, which is the backpressure), so the stream holds at most about
 * `partSize × (queueSize + 1)` bytes. A body that never fills one part becomes a
 * single PutObject. `'finish'` is emitted only after PutObject or
 * CompleteMultipartUpload succeeded; `destroy()` cancels in-flight parts and aborts
 * the multipart upload, so S3 keeps no parts and any older object stays as it was.
 *
 * With a `keep` hook, a stream destroyed because the client went away (ABOR, a closed
 * connection) hands its completed parts to the hook instead of aborting, so that a
 * later REST+STOR can continue the same upload (`resume`).
 *
 * Written here rather than with lib-storage's `Upload` so that the abort path is
 * exact: a CreateMultipartUpload is never cancelled mid-flight (its upload id would be
 * lost and its parts orphaned), and parts are settled before the abort is sent.
 */
import { Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { FsError, isFsError, throwIfAborted } from '@ftpkit/core';
import { s3, toFsError } from './errors.js';
import { MAX_PARTS } from './options.js';
import type { KeptPart, KeptUpload } from './resume.js';

/** Where and how an {@link S3UploadStream} stores its bytes. */
export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  /** Bytes per part (≥ 5 MiB except the last part). */
  partSize: number;
  /** Parts in flight at once. */
  queueSize: number;
  /**
   * Send a body that fits one request with ChecksumAlgorithm SHA256, so S3 verifies it
   * and keeps the object's SHA-256 (HASH reads it back). Multipart uploads keep the
   * SDK's default: their SHA-256 would only be a checksum of the parts' checksums.
   */
  storeChecksum?: boolean;
  /**
   * Bytes stored ahead of everything written to the stream (the kept part of an
   * existing object for append and resume). Iterated before the first write; it gets
   * a signal that fires when the upload is destroyed.
   */
  head?: (signal: AbortSignal) => Promise<AsyncIterable<Uint8Array>>;
  /** A kept multipart upload to continue: its parts are stored, new parts follow them. */
  resume?: KeptUpload;
  /**
   * Called instead of AbortMultipartUpload when the client went away mid-upload and
   * parts are stored: it records them for a resume.
   */
  keep?: (upload: KeptUpload) => Promise<void>;
}

/** Errors that mean the client went away (ABOR, a closed or reset connection), not a refusal. */
function isConnectionLoss(error: Error | null): boolean {
  if (!error) return false;
  if (isFsError(error, 'Aborted') || error.name === 'AbortError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && CONNECTION_LOSS_CODES.has(code)) || error.message === 'data connection failed';
}

const CONNECTION_LOSS_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ETIMEDOUT']);

export class S3UploadStream extends Writable {
  readonly #target: UploadTarget;
  /** Cancels part uploads and the head read when the stream is destroyed. */
  readonly #abort = new AbortController();
  /** Bytes received but not yet in a part, as written. */
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Part buffers whose upload finished, reused so a long upload makes no part garbage. */
  readonly #spare: Buffer[] = [];
  #uploadId: Promise<string> | undefined;
  #partNumber = 0;
  readonly #parts: KeptPart[] = [];
  /** Part uploads in flight; they never reject (failures go to #failure). */
  readonly #inflight = new Set<Promise<void>>();
  #failure: FsError | undefined;
  #completed = false;

  constructor(target: UploadTarget) {
    super({ highWaterMark: 64 * 1024 });
    this.#target = target;
    if (target.resume) {
      this.#uploadId = Promise.resolve(target.resume.uploadId);
      this.#parts.push(...target.resume.parts);
      this.#partNumber = target.resume.parts.length;
    }
  }

  /** Stops in-flight work at once, even while the head is still being copied. */
  override destroy(error?: Error): this {
    if (!this.#completed) this.#abort.abort();
    return super.destroy(error);
  }

  override _construct(callback: (error?: Error | null) => void): void {
    const head = this.#target.head;
    if (!head) return callback();
    (async () => {
      for await (const chunk of await head(this.#abort.signal)) await this.#add(Buffer.from(chunk));
    })().then(() => callback(), (err: unknown) => callback(toFsError(err)));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#add(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#complete().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#cancel(error).then(
      () => callback(error),
      (cleanupError: unknown) => callback(error ?? toFsError(cleanupError)),
    );
  }

  async #add(chunk: Buffer): Promise<void> {
    this.#throwIfStopped();
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    // Strictly more than a part, so a body of exactly one part stays a single PutObject.
    while (this.#buffered > this.#target.partSize) await this.#startPart(this.#target.partSize);
  }

  /** Moves the first `size` buffered bytes into a part buffer (a spare one if any). */
  #takePart(size: number): Buffer {
    const part = this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#target.partSize);
    let filled = 0;
    while (filled < size) {
      const chunk = this.#chunks[0]!;
      const n = chunk.copy(part, filled, 0, Math.min(chunk.length, size - filled));
      filled += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
    this.#buffered -= size;
    return part;
  }

  #throwIfStopped(): void {
    if (this.#failure) throw this.#failure;
    throwIfAborted(this.#abort.signal);
  }

  /**
   * Once fewer than `queueSize` parts are in flight, starts uploading the next `size`
   * buffered bytes as a part.
   */
  async #startPart(size: number): Promise<void> {
    while (this.#inflight.size >= this.#target.queueSize) await Promise.race(this.#inflight);
    this.#throwIfStopped();
    const buffer = this.#takePart(size);
    const body = buffer.subarray(0, size);
    const partNumber = ++this.#partNumber;
    if (partNumber > MAX_PARTS) {
      throw new FsError(
        'QuotaExceeded',
        `File too large: S3 allows ${MAX_PARTS} parts of ${this.#target.partSize} bytes`,
      );
    }
    const { client, bucket, key } = this.#target;
    this.#uploadId ??= s3(
      // No abort signal: a cancelled create would leave an upload we cannot abort.
      client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })),
    ).then((out) => {
      if (!out.UploadId) throw new FsError('Unavailable', 'S3 returned no upload id');
      return out.UploadId;
    });
    const task = (async () => {
      const uploadId = await this.#uploadId!;
      this.#throwIfStopped();
      const out = await s3(
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
          }),
          { abortSignal: this.#abort.signal },
        ),
      );
      const { ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256 } = out;
      this.#parts.push({
        PartNumber: partNumber,
        Size: body.length,
        ETag,
        ChecksumCRC32,
        ChecksumCRC32C,
        ChecksumCRC64NVME,
        ChecksumSHA1,
        ChecksumSHA256,
      });
      // S3 has the whole body now; nothing else holds the buffer.
      this.#spare.push(buffer);
    })().catch((err: unknown) => {
      if (this.#abort.signal.aborted) return;
      this.#failure ??= toFsError(err);
      // Nothing may be writing right now, so fail the stream from here.
      this.destroy(this.#failure);
    });
    this.#inflight.add(task);
    void task.finally(() => this.#inflight.delete(task));
  }

  async #complete(): Promise<void> {
    const { client, bucket, key } = this.#target;
    if (!this.#uploadId) {
      const body = Buffer.concat(this.#chunks, this.#buffered);
      this.#chunks = [];
      await s3(
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: body.length,
            ...(this.#target.storeChecksum ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
          }),
          { abortSignal: this.#abort.signal },
        ),
      );
      this.#completed = true;
      return;
    }
    if (this.#buffered > 0) await this.#startPart(this.#buffered);
    await Promise.all(this.#inflight);
    this.#throwIfStopped();
    const uploadId = await this.#uploadId;
    const parts: CompletedPart[] = this.#sortedParts().map(({ Size: _size, ...part }) => part);
    await s3(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
        { abortSignal: this.#abort.signal },
      ),
    );
    this.#completed = true;
  }

  #sortedParts(): KeptPart[] {
    return [...this.#parts].sort((a, b) => a.PartNumber - b.PartNumber);
  }

  /** The stored parts from part 1 on without a gap (a later part may have finished first). */
  #consecutiveParts(): KeptPart[] {
    const sorted = this.#sortedParts();
    const end = sorted.findIndex((part, i) => part.PartNumber !== i + 1);
    return end === -1 ? sorted : sorted.slice(0, end);
  }

  async #cancel(error: Error | null): Promise<void> {
    this.#chunks = [];
    this.#buffered = 0;
    this.#spare.length = 0;
    if (this.#completed) return;
    this.#abort.abort();
    await Promise.all(this.#inflight);
    if (!this.#uploadId) return;
    let uploadId: string;
    try {
      uploadId = await this.#uploadId;
    } catch {
      return; // the upload was never created
    }
    const kept = this.#target.keep && isConnectionLoss(error) ? this.#consecutiveParts() : [];
    if (kept.length > 0) return this.#target.keep!({ uploadId, parts: kept });
    const { client, bucket, key } = this.#target;
    try {
      await s3(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })));
    } catch (err) {
      // NoSuchUpload: a racing CompleteMultipartUpload got there first; nothing is left over.
      if (!isFsError(err, 'NotFound')) throw err;
    }
  }
}
