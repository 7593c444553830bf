/**
 * LocalFileSystem: an ftpkit FileSystem on the local disk, jailed at a root directory.
 * Path safety lives in {@link Jail}; upload endings in {@link FileUpload}; this file only
 * wires each FileSystem operation to them.
 */
import { constants, type Stats } from 'node:fs';
import { mkdir, rmdir, statfs, type FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import {
  FsError,
  baseName,
  destroyOnAbort,
  errnoOf,
  fsErrorFromErrno,
  throwIfAborted,
  type FileStat,
  type FileSystem,
  type FsCapabilities,
  type OperationOptions,
  type ReadOptions,
  type ReadStream,
  type WriteOptions,
} from '@ftpkit/core';
import { translated } from './errors.js';
import { toFileStat } from './file-stat.js';
import { numericIds, systemIdNames, type IdNames } from './id-names.js';
import { Jail, type JailEntry, type JailHandle } from './jail.js';
import { listDirectory } from './listing.js';
import { metadataCalls, type Metadata } from './metadata.js';
import { withDirectReceive } from './direct-transfer.js';
import { nativeModule, type NativeModule } from './native-module.js';
import { fileCalls, type FileCalls } from './file-calls.js';
import { bufferStream, fileStream, readSmallBeneath, readSmallFile, requireRegularFile, SMALL_FILE, wholeReadLength } from './read-streams.js';
import { sweepSettings, type LocalFileSystemOptions, type UploadPolicy } from './options.js';
import { trackUpload } from './stale-uploads.js';
import { removeStale } from './sweep.js';
import { keepSwept } from './sweep-schedule.js';
import { tempName } from './temp-names.js';
import { FileUpload, type UploadSink } from './upload.js';

const MiB = 1024 * 1024;

/** A FileSystem serving a local directory; see {@link LocalFileSystemOptions}. */
export class LocalFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities = { append: true, resumeUpload: true };
  readonly #jail: Jail;
  readonly #policy: UploadPolicy;
  readonly #readBufferSize: number;
  readonly #writeBufferSize: number;
  readonly #fsync: boolean;
  readonly #ownerNames: boolean;
  readonly #meta: Metadata;
  readonly #syncMetadata: boolean;
  readonly #native: boolean;
  readonly #calls: FileCalls;
  /** Age after which leftovers of unknown writers go; undefined: leftovers are kept. */
  readonly #staleAge: number | undefined;
  /** Stops this instance's share of the root's sweeping (see sweep-schedule.ts). */
  readonly #stopSweeping: () => void;

  /**
   * Throws when `root` does not exist. Starts sweeping the root for leftover temporary
   * files of crashed uploads unless `staleUploadAge` is off; {@link close} stops it.
   */
  constructor(options: LocalFileSystemOptions) {
    this.#syncMetadata = options.syncMetadata ?? true;
    this.#native = options.native ?? true;
    this.#meta = metadataCalls(this.#syncMetadata);
    this.#calls = fileCalls(this.#syncMetadata, SMALL_FILE);
    this.#jail = new Jail(options.root, options.portableJail ? false : undefined, this.#meta);
    this.#policy = options.uploadPolicy ?? 'atomic';
    this.#readBufferSize = positive(options.readBufferSize, MiB);
    this.#writeBufferSize = positive(options.writeBufferSize, MiB);
    this.#fsync = options.fsync ?? true;
    this.#ownerNames = options.ownerNames ?? true;
    const sweep = sweepSettings(options);
    this.#staleAge = sweep?.maxAge;
    this.#stopSweeping = sweep ? keepSwept(this.#jail, sweep) : () => {};
    // Lookups by one openat2 once the addon is there (the jail takes it only with
    // synchronous metadata calls); until then, and without it, by the readlink check.
    if (this.#native) {
      void nativeModule().then((native) => {
        // An older addon may lack openBeneathFile: lookups still go by openat2.
        if (native?.canOpenBeneath()) this.#jail.useBeneath(native.openBeneath, typeof native.openBeneathFile === 'function' ? native.openBeneathFile : undefined);
      });
    }
  }

  /** The real host directory served as `/`. */
  get root(): string {
    return this.#jail.root;
  }

  async stat(path: string, options: OperationOptions = {}): Promise<FileStat> {
    throwIfAborted(options.signal);
    const ids = await this.#ids();
    return this.#withHandle(path, false, async (handle) => toFileStat(baseName(path), await handle.stat(), ids));
  }

  async *list(path: string, options: OperationOptions = {}): AsyncIterable<FileStat> {
    const { signal } = options;
    throwIfAborted(signal);
    const ids = await this.#ids();
    const native = await this.#addon();
    const handle = await translated(() => this.#jail.open(path, true));
    const temps: string[] = [];
    try {
      const context = { jail: this.#jail, meta: this.#meta, ids, sync: this.#syncMetadata, signal, temps, native };
      yield* listDirectory(handle, context);
      // The listing has read the names anyway: leftovers seen in it go now.
      if (this.#staleAge !== undefined && temps.length > 0) await removeStale(handle, temps, this.#staleAge);
    } catch (err) {
      throw fsErrorFromErrno(err);
    } finally {
      await handle.close();
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const { start = 0, signal } = options;
    throwIfAborted(signal);
    checkOffset(start);
    const ids = await this.#ids();
    const small = readSmallBeneath(this.#jail, path, start);
    if (small) {
      const stream: ReadStream = bufferStream(small.bytes);
      stream.fileStat = toFileStat(baseName(path), small.stats, ids);
      return stream;
    }
    type Opened = { stats: Stats } & ({ small: Buffer } | { file: FileHandle });
    const opened = await this.#withHandle(path, false, async (handle): Promise<Opened> => {
      const stats = await handle.stat();
      requireRegularFile(stats);
      const length = this.#syncMetadata ? wholeReadLength(stats, start) : undefined;
      if (length !== undefined) {
        return { stats, small: readSmallFile(this.#jail.openFileSync(handle, constants.O_RDONLY), start, length) };
      }
      return { stats, file: await this.#jail.openFile(handle, constants.O_RDONLY) };
    });
    // Read whole already, a small file leaves nothing for an abort to stop.
    const stream: ReadStream =
      'small' in opened
        ? bufferStream(opened.small)
        : destroyOnAbort(fileStream(opened.file, opened.stats.size, start, this.#readBufferSize, await this.#addon()), signal);
    // The lookup that opened the file describes it too: RETR needs no stat of its own.
    stream.fileStat = toFileStat(baseName(path), opened.stats, ids);
    return stream;
  }

  async write(path: string, options: WriteOptions = {}): Promise<Writable> {
    const { start = 0, append = false, signal } = options;
    throwIfAborted(signal);
    checkOffset(start);
    return translated(async () => {
      const entry = await this.#jail.entry(path, 'follow');
      try {
        const { existing } = entry;
        if (existing?.isDirectory()) throw new FsError('IsADirectory');
        if (existing && !existing.isFile()) throw new FsError('PermissionDenied', 'Not a regular file');
        if (start > (existing?.size ?? 0)) {
          throw new FsError('InvalidArgument', 'Restart offset beyond end of file');
        }
        const atomic = this.#policy === 'atomic' && !append && start === 0;
        const sink = atomic ? await this.#atomicSink(entry) : await this.#inPlaceSink(entry, start, append);
        const upload = new FileUpload(sink, this.#writeBufferSize);
        const native = await this.#addon();
        if (native?.canTransfer()) withDirectReceive(upload, native);
        return destroyOnAbort(upload, signal);
      } catch (err) {
        await entry.dir.close();
        throw err;
      }
    });
  }

  async mkdir(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    if (path === '/') throw new FsError('AlreadyExists');
    await this.#withEntry(path, 'any', (entry) => mkdir(entry.dir.child(entry.name)));
  }

  async rmdir(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    await this.#withEntry(path, 'any', (entry) => rmdir(entry.dir.child(entry.name)));
  }

  async remove(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    // A symbolic link is removed itself, never what it points at.
    await this.#withEntry(path, 'any', async (entry) => {
      if (!entry.existing) throw new FsError('NotFound');
      if (entry.existing.isDirectory()) throw new FsError('IsADirectory');
      await this.#calls.unlink(entry.dir.child(entry.name));
    });
  }

  async rename(from: string, to: string, options: OperationOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    // Links are moved or replaced themselves, and only when they lead inside the root.
    await this.#withEntry(from, 'link', async (source) => {
      if (!source.existing) throw new FsError('NotFound');
      throwIfAborted(signal);
      await this.#withEntry(to, 'link', (target) => {
        throwIfAborted(signal);
        return this.#calls.rename(source.dir.child(source.name), target.dir.child(target.name));
      });
    });
  }

  async setTimes(path: string, mtime: Date, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    await this.#withHandle(path, false, async (handle) => {
      await this.#calls.utimes(handle.ref, (await handle.stat()).atime, mtime);
    });
  }

  /** Sets the permission bits; setuid, setgid and sticky bits are never set by clients. */
  async chmod(path: string, mode: number, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    await this.#withHandle(path, false, (handle) => this.#calls.chmod(handle.ref, mode & 0o777));
  }

  async availableSpace(path: string, options: OperationOptions = {}): Promise<number> {
    throwIfAborted(options.signal);
    return this.#withHandle(path, false, async (handle) => {
      const fs = await statfs(handle.ref);
      return fs.bavail * fs.bsize;
    });
  }

  /** The `@ftpkit/native` addon when this instance may use it (`native`) and it is loaded. */
  async #addon(): Promise<NativeModule | undefined> {
    return this.#native ? nativeModule() : undefined;
  }

  /** Run `fn` on a verified handle for `path`, closing it after and translating errors. */
  async #withHandle<T>(path: string, directory: boolean, fn: (handle: JailHandle) => Promise<T>): Promise<T> {
    return translated(async () => {
      const handle = await this.#jail.open(path, directory);
      try {
        return await fn(handle);
      } finally {
        await handle.close();
      }
    });
  }

  /** Run `fn` on the jailed entry for `path`, closing it after and translating errors. */
  async #withEntry<T>(path: string, final: 'link' | 'any', fn: (entry: JailEntry) => Promise<T>): Promise<T> {
    return translated(async () => {
      const entry = await this.#jail.entry(path, final);
      try {
        return await fn(entry);
      } finally {
        await entry.dir.close();
      }
    });
  }

  /** Stops sweeping for leftovers (when no other instance serves the same root). */
  async close(): Promise<void> {
    this.#stopSweeping();
  }

  /** Write into a hidden temporary file, renamed over the target on success. */
  async #atomicSink(entry: JailEntry): Promise<UploadSink> {
    const name = tempName();
    const temp = entry.dir.child(name);
    const target = entry.dir.child(entry.name);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const calls = this.#calls;
    // Live from before the file exists until after it is renamed or removed: never swept.
    const untrack = trackUpload(name);
    let fd: number;
    try {
      fd = await calls.open(temp, flags, 0o666);
    } catch (err) {
      untrack();
      throw err;
    }
    try {
      if (entry.existing) await keepOwnership(calls, fd, entry.existing);
    } catch (err) {
      await calls.close(fd);
      await calls.unlink(temp).catch(() => {});
      untrack();
      throw err;
    }
    return {
      fd,
      calls,
      position: 0,
      fsync: this.#fsync,
      commit: async () => {
        await calls.rename(temp, target);
        if (this.#fsync) await syncDirectory(calls, entry.dir);
      },
      abort: async () => {
        await calls.unlink(temp).catch((err: unknown) => {
          if (errnoOf(err) !== 'ENOENT') throw err;
        });
      },
      release: async () => {
        untrack();
        await entry.dir.close();
      },
    };
  }

  /** Write into the target itself: truncated, kept up to `start`, or appended to. */
  async #inPlaceSink(entry: JailEntry, start: number, append: boolean): Promise<UploadSink> {
    const truncate = !append && start === 0;
    const flags =
      constants.O_WRONLY |
      constants.O_CREAT |
      constants.O_NOFOLLOW |
      constants.O_NONBLOCK | // a FIFO swapped in fails instead of blocking a thread
      (append ? constants.O_APPEND : 0) |
      (truncate ? constants.O_TRUNC : 0);
    const calls = this.#calls;
    const fd = await calls.open(entry.dir.child(entry.name), flags, 0o666);
    try {
      if (!(await calls.fstat(fd)).isFile()) throw new FsError('PermissionDenied', 'Not a regular file');
      if (start > 0) await calls.ftruncate(fd, start);
    } catch (err) {
      await calls.close(fd);
      throw err;
    }
    const nothing = async (): Promise<void> => {};
    return {
      fd,
      calls,
      position: append ? null : start,
      fsync: this.#fsync,
      commit: nothing,
      abort: nothing,
      release: () => entry.dir.close(),
    };
  }

  #ids(): Promise<IdNames> {
    return this.#ownerNames ? systemIdNames() : Promise.resolve(numericIds);
  }
}

/** A replacement keeps the previous file's permission bits (minus setuid/setgid) and owner. */
async function keepOwnership(calls: FileCalls, fd: number, previous: Stats): Promise<void> {
  await calls.fchmod(fd, previous.mode & 0o777);
  const current = await calls.fstat(fd);
  if (current.uid !== previous.uid || current.gid !== previous.gid) {
    // Only a privileged server can give the file away; otherwise it stays the server's.
    await calls.fchown(fd, previous.uid, previous.gid).catch(() => {});
  }
}

/** fsync a directory so a rename in it is durable. */
async function syncDirectory(calls: FileCalls, dir: JailHandle): Promise<void> {
  const fd = await calls.open(dir.ref, constants.O_RDONLY | constants.O_DIRECTORY, 0);
  try {
    await calls.fsync(fd);
  } finally {
    await calls.close(fd);
  }
}

function checkOffset(start: number): void {
  if (!Number.isSafeInteger(start) || start < 0) throw new FsError('InvalidArgument', 'Invalid offset');
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError('buffer sizes must be positive integers');
  return value;
}
