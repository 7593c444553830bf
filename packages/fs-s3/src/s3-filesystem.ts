import { Readable, type Writable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import {
  FsError,
  baseName,
  destroyOnAbort,
  isFsError,
  parentPath,
  throwIfAborted,
  type FileStat,
  type FileSystem,
  type FsCapabilities,
  type HashAlgorithm,
  type OperationOptions,
  type ReadOptions,
  type ReadStream,
  type WriteOptions,
} from '@ftpkit/core';
import { guardBody } from './body.js';
import { storedDigest } from './checksum.js';
import { copyObject, type CopyContext } from './copy.js';
import { s3 } from './errors.js';
import { KeyMap } from './keys.js';
import { sweepLeftovers } from './leftover-schedule.js';
import { dirStat, fileStat, listEntries, probe, type ListContext } from './listing.js';
import { objectMtime, storeMtime } from './mtime.js';
import { MAX_PART_SIZE, MAX_PARTS, resolveOptions, type ResolvedOptions, type S3FileSystemOptions } from './options.js';
import { presetClientConfig } from './presets.js';
import { renamePrefix, type RenameContext } from './rename.js';
import { claimUpload, discardUpload, keepUpload, keptForResume, keptUpload, type KeptUpload, type ResumeContext } from './resume.js';
import { DEFAULT_RESUME_TTL_MS, processResumeStore } from './resume-store.js';
import { S3UploadStream, type UploadTarget } from './upload.js';

const MiB = 1024 * 1024;

function formatSize(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/**
 * A {@link FileSystem} backed by one S3 bucket (or a key prefix of it): AWS S3, MinIO,
 * R2 or any S3-compatible store.
 *
 * Directories are key prefixes: `mkdir` writes a zero-byte `dir/` marker so an empty
 * directory exists, and a prefix holding objects is a directory with or without one.
 * Uploads stream as multipart uploads with bounded memory; downloads stream GetObject.
 * S3 has no permissions, so `chmod` is absent; MFMT times live in object metadata; and
 * append/resume and directory rename work up to the configured limits.
 *
 * @example
 * const fs = new S3FileSystem({ bucket: 'uploads', prefix: `users/${username}` });
 */
export class S3FileSystem implements FileSystem {
  /** APPE and REST+STOR are offered only when `maxAppendSize` or `resumableUploads` allows them. */
  readonly capabilities: FsCapabilities;
  /** The client in use (given, or created from `clientConfig`). */
  readonly client: S3Client;
  readonly #options: ResolvedOptions;
  readonly #keys: KeyMap;
  readonly #ownsClient: boolean;
  readonly #stopSweeping: () => void;
  /** Where interrupted uploads are recorded; undefined when `resumableUploads` is off. */
  readonly #resume: ResumeContext | undefined;

  /** Starts aborting leftover multipart uploads under the prefix (see leftover-uploads.ts). */
  constructor(options: S3FileSystemOptions) {
    this.#options = resolveOptions(options);
    this.#keys = new KeyMap(options.prefix);
    this.#ownsClient = options.client === undefined;
    this.client = options.client ?? new S3Client(presetClientConfig(options.preset, options.clientConfig));
    const resume = options.resumableUploads;
    this.#resume = resume && {
      client: this.client,
      bucket: this.#options.bucket,
      store: resume.store ?? processResumeStore,
      ttlMs: resume.ttl ?? DEFAULT_RESUME_TTL_MS,
    };
    const appendable = this.#options.maxAppendSize > 0 || this.#resume !== undefined;
    this.capabilities = { append: appendable, resumeUpload: appendable };
    const resumeContext = this.#resume;
    // Uploads kept for a resume are the sweeper's to leave alone until their record expires.
    const kept = resumeContext && ((key: string, uploadId: string) => keptForResume(resumeContext.store, resumeContext.bucket, key, uploadId));
    this.#stopSweeping = sweepLeftovers(this.client, this.bucket, this.#keys.root, options, kept);
  }

  /** The bucket served. */
  get bucket(): string {
    return this.#options.bucket;
  }

  async stat(path: string, options?: OperationOptions): Promise<FileStat> {
    throwIfAborted(options?.signal);
    if (path === '/') return dirStat('/');
    const found = await this.#lookup(path, options?.signal);
    if (!found) throw new FsError('NotFound');
    return found;
  }

  async *list(path: string, options?: OperationOptions): AsyncIterable<FileStat> {
    throwIfAborted(options?.signal);
    let found = path === '/';
    yield* listEntries(this.#listContext(options?.signal), this.#keys.dir(path), () => {
      found = true;
    });
    if (found) return;
    if (await this.#head(path, options?.signal)) throw new FsError('NotADirectory');
    throw new FsError('NotFound');
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { signal, start = 0 } = options;
    throwIfAborted(signal);
    if (path === '/') throw new FsError('IsADirectory');
    try {
      const out = await s3(
        this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: this.#keys.file(path),
            Range: start > 0 ? `bytes=${start}-` : undefined,
          }),
          { abortSignal: signal },
        ),
      );
      const stream: ReadStream = guardBody(out.Body, signal);
      // GET says what HEAD would: RETR then needs no HEAD of its own. Not while an
      // interrupted upload of the key is kept (stat shows its bytes, for REST+STOR).
      const size = objectSize(out.ContentLength, out.ContentRange);
      const kept = this.#resume ? await keptUpload(this.#resume, this.#keys.file(path)) : undefined;
      if (size !== undefined && !kept) stream.fileStat = fileStat(baseName(path), size, objectMtime(out));
      return stream;
    } catch (err) {
      if (isFsError(err, 'NotFound') && (await this.#probeDir(path, signal))) {
        throw new FsError('IsADirectory');
      }
      if (isFsError(err, 'InvalidArgument') && start > 0) {
        // S3 refuses a range starting at the end; REST to the exact size reads nothing.
        const head = await this.#head(path, signal);
        if (head?.ContentLength === start) return guardBody(Readable.from([]), signal);
        throw new FsError('InvalidArgument', 'Restart offset is beyond the end of the file');
      }
      throw err;
    }
  }

  async write(path: string, options: WriteOptions = {}): Promise<Writable> {
    const { signal } = options;
    if (path === '/') throw new FsError('IsADirectory');
    throwIfAborted(signal);
    const start = options.append ? 0 : (options.start ?? 0);
    const extending = options.append === true || start > 0;
    const [, dir, existing] = await Promise.all([
      this.#requireDirectory(parentPath(path), signal),
      this.#probeDir(path, signal),
      extending ? this.#head(path, signal) : null,
    ]);
    if (dir) throw new FsError('IsADirectory');
    const key = this.#keys.file(path);
    if (this.#resume) {
      // An interrupted upload of this key: continued by REST at its end (or APPE),
      // replaced by an upload from the start.
      const kept = extending ? await claimUpload(this.#resume, key, options.append ? undefined : start, signal) : undefined;
      if (kept) return this.#upload(key, options, { resume: kept });
      if (!extending) await discardUpload(this.#resume, key);
    }

    const size = existing?.ContentLength ?? 0;
    const keep = options.append ? size : start;
    if (keep > size) throw new FsError('InvalidArgument', 'Restart offset is beyond the end of the file');
    if (keep > this.#options.maxAppendSize) throw this.#appendRefusal();

    return this.#upload(key, options, {
      keep,
      head:
        keep > 0
          ? async (abortSignal) => {
              const out = await s3(
                this.client.send(
                  new GetObjectCommand({
                    Bucket: this.bucket,
                    Key: key,
                    Range: `bytes=0-${keep - 1}`,
                    IfMatch: existing?.ETag,
                  }),
                  { abortSignal },
                ),
              );
              return guardBody(out.Body, abortSignal);
            }
          : undefined,
    });
  }

  /**
   * The upload stream into `key`: after `keep` bytes of a head, or continuing a kept
   * upload. It aborts on `options.signal`, and records itself for a resume when its
   * client goes away and `resumableUploads` is on.
   */
  #upload(
    key: string,
    options: WriteOptions,
    from: { keep?: number; head?: UploadTarget['head']; resume?: KeptUpload },
  ): S3UploadStream {
    const { signal } = options;
    const kept = from.resume?.parts.reduce((sum, p) => sum + p.Size, 0) ?? from.keep ?? 0;
    const hinted = options.sizeHint === undefined ? 0 : Math.ceil((kept + options.sizeHint) / MAX_PARTS);
    const resume = this.#resume;
    const stream = new S3UploadStream({
      client: this.client,
      bucket: this.bucket,
      key,
      partSize: Math.min(MAX_PART_SIZE, Math.max(this.#options.partSize, hinted)),
      queueSize: this.#options.queueSize,
      storeChecksum: this.#options.storeChecksums,
      head: from.head,
      resume: from.resume,
      keep: resume && ((upload) => keepUpload(resume, key, upload)),
    });
    return destroyOnAbort(stream, signal);
  }

  async mkdir(path: string, options?: OperationOptions): Promise<void> {
    const signal = options?.signal;
    throwIfAborted(signal);
    if (path === '/') throw new FsError('AlreadyExists');
    await this.#requireDirectory(parentPath(path), signal);
    if (await this.#lookup(path, signal)) throw new FsError('AlreadyExists');
    const marker = new PutObjectCommand({ Bucket: this.bucket, Key: this.#keys.dir(path), Body: '', ContentLength: 0 });
    await s3(this.client.send(marker, { abortSignal: signal }));
  }

  async rmdir(path: string, options?: OperationOptions): Promise<void> {
    const signal = options?.signal;
    throwIfAborted(signal);
    if (path === '/') throw new FsError('PermissionDenied', 'Cannot remove the root directory');
    const marker = this.#keys.dir(path);
    const first = await probe(this.#listContext(signal), marker, 2);
    if (first.some((o) => o.Key !== marker)) throw new FsError('NotEmpty');
    if (first.length === 0) {
      throw new FsError((await this.#head(path, signal)) ? 'NotADirectory' : 'NotFound');
    }
    await s3(this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: marker }), { abortSignal: signal }));
  }

  async remove(path: string, options?: OperationOptions): Promise<void> {
    const signal = options?.signal;
    throwIfAborted(signal);
    // Deleting a file also drops its interrupted upload (which alone may be what SIZE showed).
    const partial = path !== '/' && this.#resume !== undefined && (await discardUpload(this.#resume, this.#keys.file(path)));
    if (path === '/' || !(await this.#head(path, signal))) {
      if (partial) return;
      throw new FsError((await this.#probeDir(path, signal)) ? 'IsADirectory' : 'NotFound');
    }
    const request = new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#keys.file(path) });
    await s3(this.client.send(request, { abortSignal: signal }));
  }

  /**
   * A file is copied, then its source deleted; a directory's objects are copied one by
   * one (see rename.ts). The signal stops either before the source is deleted.
   */
  async rename(from: string, to: string, options?: OperationOptions): Promise<void> {
    const signal = options?.signal;
    if (from === '/') throw new FsError('PermissionDenied', 'Cannot rename the root directory');
    const source = await this.stat(from, { signal });
    if (from === to) return;
    if (to === '/') throw new FsError('AlreadyExists');
    await this.#requireDirectory(parentPath(to), signal);
    if (source.type === 'file') {
      if (await this.#probeDir(to, signal)) throw new FsError('IsADirectory');
      await copyObject(this.#copyContext(signal), this.#keys.file(from), this.#keys.file(to), source.size);
      // The copy is whole: deleting the source is the commit, not cancelled half-way.
      await s3(this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#keys.file(from) })));
      return;
    }
    if (to.startsWith(`${from}/`)) throw new FsError('InvalidArgument', 'Cannot move a directory into itself');
    if (await this.#lookup(to, signal)) throw new FsError('AlreadyExists');
    const context: RenameContext = {
      ...this.#copyContext(signal),
      pageSize: this.#options.listPageSize,
      maxObjects: this.#options.maxRenameObjects,
    };
    await renamePrefix(context, this.#keys.dir(from), this.#keys.dir(to));
  }

  /**
   * MFMT: keeps the time in the object's `mtime` metadata (rclone's key and format)
   * through a copy of the object onto itself. stat, MDTM and MLST show it; listings
   * show S3's LastModified.
   */
  async setTimes(path: string, mtime: Date, options?: OperationOptions): Promise<void> {
    const signal = options?.signal;
    throwIfAborted(signal);
    const head = await this.#head(path, signal);
    if (!head) {
      if (await this.#probeDir(path, signal)) throw new FsError('Unsupported', 'S3 keeps no modification times for directories');
      throw new FsError('NotFound');
    }
    await storeMtime(this.#copyContext(signal), this.#keys.file(path), head, mtime);
  }

  /** HASH: the SHA-256 (or CRC32) S3 stored for the object, when it has the whole object's. */
  async hash(path: string, algorithm: HashAlgorithm, options?: OperationOptions): Promise<string | undefined> {
    throwIfAborted(options?.signal);
    if (path === '/') return undefined;
    const key = this.#keys.file(path);
    if (this.#resume && (await keptUpload(this.#resume, key))) {
      // stat shows the kept bytes, which S3 cannot read back until the upload completes.
      throw new FsError('Unavailable', 'An interrupted upload of this file is waiting to be resumed');
    }
    return storedDigest(this.client, this.bucket, key, algorithm, options?.signal);
  }

  /** Stops sweeping for leftover uploads; destroys the client if this file system created it. */
  async close(): Promise<void> {
    this.#stopSweeping();
    if (this.#ownsClient) this.client.destroy();
  }

  /** HeadObject of the file at `path`; null when there is no such object. */
  async #head(path: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput | null> {
    if (path === '/') return null;
    try {
      return await s3(
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.#keys.file(path) }), {
          abortSignal: signal,
        }),
      );
    } catch (err) {
      if (isFsError(err, 'NotFound')) return null;
      throw err;
    }
  }

  /** The directory at `path` when its prefix holds anything (its marker or objects). */
  async #probeDir(path: string, signal?: AbortSignal): Promise<FileStat | null> {
    if (path === '/') return dirStat('/');
    const prefix = this.#keys.dir(path);
    const [first] = await probe({ client: this.client, bucket: this.bucket, signal }, prefix, 1);
    if (!first) return null;
    return dirStat(baseName(path), first.Key === prefix ? first.LastModified : undefined);
  }

  /** What is at `path`: HeadObject first, then a prefix probe. */
  async #lookup(path: string, signal?: AbortSignal): Promise<FileStat | null> {
    // An interrupted upload shows as its kept bytes, so that a client's SIZE before
    // REST+STOR (lftp, curl -C -) resumes where it ended.
    const partial = this.#resume && path !== '/' ? await keptUpload(this.#resume, this.#keys.file(path)) : undefined;
    if (partial) return fileStat(baseName(path), partial.size, partial.updated);
    const head = await this.#head(path, signal);
    if (head) return fileStat(baseName(path), head.ContentLength, objectMtime(head));
    return this.#probeDir(path, signal);
  }

  /** Throws NotFound or NotADirectory unless `path` is a directory. */
  async #requireDirectory(path: string, signal?: AbortSignal): Promise<void> {
    if (await this.#probeDir(path, signal)) return;
    throw new FsError((await this.#head(path, signal)) ? 'NotADirectory' : 'NotFound');
  }

  #appendRefusal(): FsError {
    const limit = this.#options.maxAppendSize;
    return new FsError(
      'Unsupported',
      limit === 0
        ? 'Append and resumed uploads are not supported on this storage'
        : `Append and resumed uploads are limited to files up to ${formatSize(limit)} on this storage`,
    );
  }

  #listContext(signal?: AbortSignal): ListContext {
    return { client: this.client, bucket: this.bucket, pageSize: this.#options.listPageSize, signal };
  }

  #copyContext(signal?: AbortSignal): CopyContext {
    return { client: this.client, bucket: this.bucket, concurrency: this.#options.copyConcurrency, signal };
  }
}

/**
 * The whole object's size from a GET: the total of `Content-Range` (`bytes 100-199/1000`)
 * for a ranged one, else its `Content-Length`; undefined when the answer lacks them.
 */
function objectSize(length: number | undefined, range: string | undefined): number | undefined {
  if (range === undefined) return length;
  const total = /\/(\d+)$/.exec(range)?.[1];
  return total === undefined ? undefined : Number(total);
}
