import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { Volume } from 'memfs';
import { FsError, baseName, destroyOnAbort, joinPath, parentPath, throwIfAborted } from '@ftpkit/core';
import type { FileStat, FileSystem, OperationOptions, ReadOptions, ReadStream, WriteOptions } from '@ftpkit/core';
import { guard } from './errors.js';
import { VolumeReadStream, VolumeWriteStream } from './streams.js';
import type { UploadTarget } from './streams.js';

/** Initial content: path → file content, or `null` for an empty directory. */
export type InitialFiles = Record<string, string | Buffer | null>;

/** Options for {@link MemoryFileSystem}. */
export interface MemoryFileSystemOptions {
  /**
   * Files (and `null` for empty directories) to create, e.g. `{ '/readme.txt': 'hello' }`.
   * Parent directories are created as needed. Applied to `volume` when one is given.
   */
  files?: InitialFiles;
  /** A memfs volume to serve; pass the same one to several instances to share a tree. */
  volume?: Volume;
}

/** Mode bits of new files and directories (memfs itself defaults to 0o666 / 0o777). */
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
/** Prefix of the hidden temporary file an upload is written to before it is renamed. */
const UPLOAD_PREFIX = '.ftpkit-upload-';

/** The part of memfs's `Stats` this adapter reads. */
interface Stats {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  size: number;
  mode: number;
  nlink: number;
  mtime: Date;
  atime: Date;
}

/**
 * An in-memory {@link FileSystem} on a memfs `Volume`: the whole contract, with streamed
 * listings, offset reads and writes, append, rename, `setTimes` and `chmod`.
 *
 * Plain uploads are atomic: they go to a hidden temporary file in the same directory
 * that is renamed over the target on `'finish'` and removed on abort, so an aborted
 * upload keeps the previous file. Appends and offset writes (resumed uploads) write in
 * place, so the bytes that did arrive are kept for the next resume.
 */
export class MemoryFileSystem implements FileSystem {
  /** The memfs volume holding the tree; share it to give several users one tree. */
  readonly volume: Volume;

  constructor(options: MemoryFileSystemOptions = {}) {
    this.volume = options.volume ?? new Volume();
    if (options.files) {
      this.volume.fromJSON(options.files, '/');
      this.applyDefaultModes('/');
    }
  }

  /** memfs's `fromJSON` creates entries 0o666/0o777; give them the modes uploads get. */
  private applyDefaultModes(dir: string): void {
    for (const name of this.volume.readdirSync(dir) as string[]) {
      const path = joinPath(dir, name);
      const isDir = this.volume.statSync(path).isDirectory();
      this.volume.chmodSync(path, isDir ? DIR_MODE : FILE_MODE);
      if (isDir) this.applyDefaultModes(path);
    }
  }

  async stat(path: string, options: OperationOptions = {}): Promise<FileStat> {
    throwIfAborted(options.signal);
    return guard(() => toFileStat(baseName(path), this.volume.statSync(path)));
  }

  async *list(path: string, options: OperationOptions = {}): AsyncIterable<FileStat> {
    throwIfAborted(options.signal);
    // memfs's Dir walks the live child map lazily, so entries are produced one by one.
    const dir = guard(() => this.volume.opendirSync(path));
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        throwIfAborted(options.signal);
        const name = String(entry.name);
        let st: Stats;
        try {
          st = this.volume.lstatSync(joinPath(path, name));
        } catch {
          continue; // removed while we were listing
        }
        yield toFileStat(name, st, st.isSymbolicLink() ? this.#linkTarget(joinPath(path, name)) : undefined);
      }
    } finally {
      dir.closeSync();
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    throwIfAborted(options.signal);
    const [fd, stats] = guard(() => {
      // memfs lets a directory be opened for reading, so check first.
      const found = this.volume.statSync(path);
      if (found.isDirectory()) throw new FsError('IsADirectory');
      return [this.volume.openSync(path, 'r'), found] as const;
    });
    const stream: ReadStream = new VolumeReadStream(this.volume, fd, options.start ?? 0);
    stream.fileStat = toFileStat(baseName(path), stats); // RETR needs no stat of its own
    return destroyOnAbort(stream, options.signal);
  }

  async write(path: string, options: WriteOptions = {}): Promise<Writable> {
    throwIfAborted(options.signal);
    const stream = guard(() => {
      const existing = this.#tryStat(path);
      if (existing?.isDirectory()) throw new FsError('IsADirectory');
      const parent = this.volume.statSync(parentPath(path));
      if (!parent.isDirectory()) throw new FsError('NotADirectory');
      const start = options.start ?? 0;
      if (start > (existing?.size ?? 0)) {
        throw new FsError('InvalidArgument', 'Restart offset is beyond the end of the file');
      }
      if (options.append) return this.#openInPlace(path, 'a', { position: null });
      if (start > 0) return this.#openInPlace(path, 'r+', { position: start }, start);
      return this.#openAtomic(path, existing ? existing.mode & 0o7777 : FILE_MODE);
    });
    return destroyOnAbort(stream, options.signal);
  }

  async mkdir(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    guard(() => this.volume.mkdirSync(path, { mode: DIR_MODE }));
  }

  async rmdir(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    refuseRoot(path);
    guard(() => this.volume.rmdirSync(path));
  }

  async remove(path: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    guard(() => {
      // memfs answers EPERM (as macOS does) for unlinking a directory.
      if (this.volume.lstatSync(path).isDirectory()) throw new FsError('IsADirectory');
      this.volume.unlinkSync(path);
    });
  }

  async rename(from: string, to: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    refuseRoot(from);
    refuseRoot(to);
    guard(() => {
      const source = this.volume.lstatSync(from);
      if (from === to) return;
      if (source.isDirectory() && to.startsWith(`${from}/`)) {
        throw new FsError('InvalidArgument', 'Cannot move a directory into itself');
      }
      // memfs would silently replace a directory with a file and vice versa, so apply
      // the POSIX rules here: a file replaces a file, a directory an empty directory.
      const target = this.#tryStat(to, true);
      if (target?.isDirectory()) {
        if (!source.isDirectory()) throw new FsError('IsADirectory');
        this.volume.rmdirSync(to);
      } else if (target && source.isDirectory()) {
        throw new FsError('NotADirectory');
      } else if (!this.volume.statSync(parentPath(to)).isDirectory()) {
        throw new FsError('NotADirectory');
      }
      this.volume.renameSync(from, to);
    });
  }

  async setTimes(path: string, mtime: Date, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    guard(() => this.volume.utimesSync(path, this.volume.statSync(path).atime, mtime));
  }

  async chmod(path: string, mode: number, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    guard(() => this.volume.chmodSync(path, mode & 0o7777));
  }

  /** Write into the file itself, first cutting it to `truncateTo` bytes if given. */
  #openInPlace(path: string, flags: 'a' | 'r+', target: UploadTarget, truncateTo?: number): Writable {
    const fd = this.volume.openSync(path, flags, FILE_MODE);
    if (truncateTo !== undefined) this.volume.ftruncateSync(fd, truncateTo);
    return new VolumeWriteStream(this.volume, fd, target);
  }

  /** Write to a hidden sibling that replaces `path` on finish and vanishes on abort. */
  #openAtomic(path: string, mode: number): Writable {
    const temp = joinPath(parentPath(path), `${UPLOAD_PREFIX}${randomUUID()}`);
    const fd = this.volume.openSync(temp, 'wx', mode);
    return new VolumeWriteStream(this.volume, fd, {
      position: 0,
      commit: () => this.volume.renameSync(temp, path),
      discard: () => this.volume.unlinkSync(temp),
    });
  }

  #tryStat(path: string, noFollow = false): Stats | undefined {
    try {
      return noFollow ? this.volume.lstatSync(path) : this.volume.statSync(path);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  #linkTarget(path: string): string | undefined {
    try {
      return String(this.volume.readlinkSync(path));
    } catch {
      return undefined;
    }
  }
}

/** The root itself can be neither removed nor moved. */
function refuseRoot(path: string): void {
  if (path === '/') throw new FsError('PermissionDenied', 'Cannot modify the root directory');
}

function toFileStat(name: string, st: Stats, target?: string): FileStat {
  const type = st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'file';
  const stat: FileStat = {
    name,
    type,
    size: type === 'directory' ? 0 : st.size,
    mtime: st.mtime,
    mode: st.mode & 0o7777,
    nlink: st.nlink,
  };
  if (target !== undefined) stat.target = target;
  return stat;
}
