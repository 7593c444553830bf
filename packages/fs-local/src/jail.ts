/**
 * The root jail: maps virtual paths under a real root directory and opens what they name
 * so that no symbolic link can lead outside it, not even one planted mid-operation.
 *
 * On Linux each lookup opens the object with O_PATH (no side effects, even on a FIFO or a
 * device), reads `/proc/<pid>/fd/<fd>` to learn the real path of what was actually opened,
 * and refuses it unless that lies under the root. Every later system call goes through
 * `/proc/<pid>/fd/<fd>[/name]`, which the kernel resolves to that very object, so swapping
 * a directory for a link after the check changes nothing. With `@ftpkit/native` (and
 * synchronous metadata calls) a lookup is first one openat2(2) with RESOLVE_BENEATH from
 * the root: the kernel refuses anything that would leave it, and no readlink is needed;
 * a file to read at once may be opened by that openat2 itself, not O_PATH, and its caller
 * refuses what fstat says is no regular file, as vsftpd does.
 * A lookup it refuses that way (an absolute link, one pointing out) takes the check above,
 * which allows what stays inside and refuses the rest. Elsewhere the jail falls back
 * to `realpath` checks plus O_NOFOLLOW on the final component (best effort: a race on an
 * intermediate directory is possible there).
 */
import { closeSync, constants, existsSync, openSync, realpathSync, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FsError, baseName, errnoOf, fsErrorFromErrno, parentPath } from '@ftpkit/core';
import { metadataCalls, type Metadata } from './metadata.js';
import { isTempName } from './temp-names.js';

/** open(2) flag O_PATH; the same value on every Linux architecture Node runs on. */
const O_PATH = 0o10000000;

/**
 * openat2 with RESOLVE_BENEATH from a directory descriptor (`openBeneath` of
 * `@ftpkit/native`: an O_PATH descriptor; `openBeneathFile`: one opened with the flags
 * given), or an errno error.
 */
export type OpenBeneath = (dirfd: number, path: string, flags: number) => number;

/**
 * How a file to read is opened in one step: not waiting on a FIFO, never becoming the
 * controlling terminal (vsftpd opens its downloads so, then checks what it got).
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Errors of {@link OpenBeneath} after which the readlink check decides instead. */
const CHECK_INSTEAD = new Set(['EXDEV', 'ELOOP', 'EAGAIN']);
/** Errors of opening to read that say what was found is no file to read in one step. */
const NOT_OPENABLE = new Set(['ENXIO', 'ENODEV', 'EOPNOTSUPP', 'ETXTBSY']);
/** Errors that say openat2 cannot be used here at all (old kernel, a seccomp filter). */
const UNUSABLE = new Set(['ENOSYS', 'EPERM', 'EINVAL', 'E2BIG']);

/** An object inside the root, pinned for the duration of an operation. */
export interface JailHandle {
  /** A host path that names exactly this object for later system calls. */
  readonly ref: string;
  /** Host path naming the entry `name` inside this directory. */
  child(name: string): string;
  /** stat of the pinned object itself. */
  stat(): Promise<Stats>;
  /** Release the handle. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * How the final component of a path is treated when it is a symbolic link:
 * - `follow`: use the link's target (which must be inside the root);
 * - `link`: use the link itself, but only if its target is inside the root;
 * - `any`: use the link itself whatever it points at (unlink, rmdir, mkdir never follow).
 */
export type FinalLink = 'follow' | 'link' | 'any';

/** A name inside a pinned directory, as needed to create, replace or remove it. */
export interface JailEntry {
  readonly dir: JailHandle;
  readonly name: string;
  /** lstat of the entry when it exists. */
  readonly existing?: Stats;
}

/** Maps virtual paths into a root directory and opens them without escaping it. */
export class Jail {
  /** The real (symlink-free) root directory. */
  readonly root: string;
  readonly #procfs: boolean;
  readonly #meta: Metadata;
  #beneath: OpenBeneath | undefined;
  #beneathFile: OpenBeneath | undefined;

  /**
   * @param root host directory to jail into; must exist
   * @param procfs use `/proc/self/fd` (race-free); detected when omitted
   * @param meta how metadata system calls are made (see metadata.ts)
   */
  constructor(root: string, procfs?: boolean, meta: Metadata = metadataCalls(true)) {
    this.root = realpathSync(root);
    this.#procfs = procfs ?? (process.platform === 'linux' && existsSync('/proc/self/fd'));
    this.#meta = meta;
  }

  /**
   * Look paths up with `open` (openat2 RESOLVE_BENEATH) first. Only with the `/proc`
   * check and synchronous metadata calls: the lookup blocks the event loop as they do.
   */
  useBeneath(open: OpenBeneath, openFile?: OpenBeneath): void {
    if (!this.#procfs || !this.#meta.sync) return;
    this.#beneath = open;
    this.#beneathFile = openFile;
  }

  /** The virtual path of a real host path, or `undefined` when it is outside the root. */
  virtualOf(real: string): string | undefined {
    if (this.root === '/') return real;
    if (real === this.root) return '/';
    return real.startsWith(`${this.root}/`) ? real.slice(this.root.length) : undefined;
  }

  /**
   * Open the existing object at virtual `path`, following symbolic links that stay inside
   * the root. Throws `PermissionDenied` for anything outside, `NotFound`, and with
   * `directory` `NotADirectory`.
   */
  async open(path: string, directory = false): Promise<JailHandle> {
    const host = this.#hostPath(path);
    return this.#openBeneath(path, directory) ?? this.#openHost(host, directory);
  }

  /**
   * The entry `path` names inside its (pinned, verified) parent directory, for creating,
   * replacing, renaming or removing it. See {@link FinalLink} for links.
   */
  async entry(path: string, final: FinalLink): Promise<JailEntry> {
    if (path === '/') throw new FsError('PermissionDenied');
    const dir = await this.open(parentPath(path), true);
    const name = baseName(path);
    try {
      const existing = await this.#lstatOrUndefined(dir.child(name));
      if (!existing?.isSymbolicLink() || final === 'any') return { dir, name, existing };
      const target = await this.#linkTarget(dir.child(name));
      if (target === undefined) throw new FsError('PermissionDenied');
      if (final === 'link') return { dir, name, existing };
      const pinned = await this.#entryAt(target);
      await dir.close();
      return pinned;
    } catch (err) {
      await dir.close();
      throw fsErrorFromErrno(err);
    }
  }

  /**
   * Virtual path a symbolic link at host path `link` resolves to, or `undefined` when it
   * dangles or leaves the root.
   */
  async linkTargetOf(link: string): Promise<string | undefined> {
    const real = await this.#linkTarget(link);
    return real === undefined ? undefined : this.virtualOf(real);
  }

  /**
   * Open the object behind `handle` for I/O with open(2) `flags`. The handle already
   * pins a verified object; the portable fallback adds O_NOFOLLOW.
   */
  async openFile(handle: JailHandle, flags: number): Promise<FileHandle> {
    return open(handle.ref, this.#procfs ? flags : flags | constants.O_NOFOLLOW);
  }

  /** {@link openFile}, as a synchronous system call returning a descriptor. */
  openFileSync(handle: JailHandle, flags: number): number {
    return openSync(handle.ref, this.#procfs ? flags : flags | constants.O_NOFOLLOW);
  }

  async #linkTarget(link: string): Promise<string | undefined> {
    try {
      const real = await realpath(link);
      return this.virtualOf(real) === undefined ? undefined : real;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ELOOP') return undefined;
      throw err;
    }
  }

  /** Pin the directory of the real path `target`; its final name must still be no link. */
  async #entryAt(target: string): Promise<JailEntry> {
    const dir = await this.#openHost(dirname(target), true);
    const name = basename(target);
    try {
      const existing = await this.#lstatOrUndefined(dir.child(name));
      // Swapped for a link or removed since it was resolved: refuse rather than chase it.
      if (!existing || existing.isSymbolicLink()) throw new FsError('PermissionDenied');
      return { dir, name, existing };
    } catch (err) {
      await dir.close();
      throw fsErrorFromErrno(err);
    }
  }

  /** Validate a core-normalised virtual path and map it under the root. */
  #hostPath(path: string): string {
    if (!path.startsWith('/') || path.includes('\0')) throw new FsError('InvalidName');
    if (path === '/') return this.root;
    for (const segment of path.slice(1).split('/')) {
      if (segment === '' || segment === '.' || segment === '..' || isTempName(segment)) {
        throw new FsError('InvalidName');
      }
    }
    return this.root === '/' ? path : `${this.root}${path}`;
  }

  async #openHost(host: string, directory: boolean): Promise<JailHandle> {
    try {
      return this.#procfs ? await this.#openProc(host, directory) : await this.#openPortable(host, directory);
    } catch (err) {
      throw fsErrorFromErrno(err);
    }
  }

  /**
   * Open the object at virtual `path` to read it, in one openat2 from the root with
   * O_RDONLY | O_NONBLOCK | O_NOCTTY: a descriptor whose fstat the caller checks (a
   * regular file, not a FIFO or device), or undefined when only {@link open} can tell
   * (no openat2 here, which includes asynchronous metadata calls; a link the kernel would
   * not follow beneath). Throws as `open`.
   */
  openToRead(path: string): number | undefined {
    const openFile = this.#beneathFile;
    if (!openFile || this.#hostPath(path) === this.root) return undefined;
    return this.#lookupBeneath(path, (root, relative) => {
      try {
        return openFile(root, relative, READ_FLAGS);
      } catch (err) {
        // Found, but not to be opened so (a socket, a device without its driver): `open`
        // pins it with O_PATH and its caller refuses it as no regular file. Whether
        // openat2 is usable at all is for that O_PATH lookup to find out.
        const code = errnoOf(err) ?? '';
        if (NOT_OPENABLE.has(code) || UNUSABLE.has(code)) return undefined;
        throw err;
      }
    });
  }

  /** The object at `path` by one openat2 from the root; undefined when the readlink check must decide. */
  #openBeneath(path: string, directory: boolean): JailHandle | undefined {
    const beneath = this.#beneath;
    if (!beneath) return undefined;
    if (path === '/') return this.#pinned(this.#openRoot());
    const fd = this.#lookupBeneath(path, (root, relative) => beneath(root, relative, directory ? constants.O_DIRECTORY : 0));
    return fd === undefined ? undefined : this.#pinned(fd);
  }

  /** Run one openat2 `lookup` of `path` (not `/`) from the root: a descriptor, or undefined when the readlink check must decide. */
  #lookupBeneath(path: string, lookup: (root: number, relative: string) => number | undefined): number | undefined {
    // The root by its path each time, as the readlink check has it: a root removed,
    // renamed or unmounted is seen at once, and no descriptor outlives the lookup.
    const root = this.#openRoot();
    try {
      return lookup(root, path.slice(1));
    } catch (err) {
      const code = errnoOf(err);
      if (code !== undefined && UNUSABLE.has(code)) {
        this.#beneath = undefined;
        this.#beneathFile = undefined;
      }
      if (code === undefined || CHECK_INSTEAD.has(code) || UNUSABLE.has(code)) return undefined;
      throw fsErrorFromErrno(err);
    } finally {
      closeSync(root);
    }
  }

  #openRoot(): number {
    try {
      return openSync(this.root, O_PATH | constants.O_DIRECTORY);
    } catch (err) {
      throw fsErrorFromErrno(err);
    }
  }

  async #openProc(host: string, directory: boolean): Promise<JailHandle> {
    const fh = await this.#meta.openPath(host, O_PATH | (directory ? constants.O_DIRECTORY : 0));
    let real: string;
    try {
      real = await this.#meta.readlink(procRef(fh.fd));
    } catch (err) {
      await fh.close();
      throw err;
    }
    if (this.virtualOf(real) === undefined) {
      await fh.close();
      throw new FsError('PermissionDenied');
    }
    return this.#pinned(fh.fd, () => fh.close());
  }

  /** The handle of the verified O_PATH descriptor `fd`, released by `release` (closing it) once. */
  #pinned(fd: number, release = async () => closeSync(fd)): JailHandle {
    const ref = procRef(fd);
    let closed = false;
    return {
      ref,
      child: (name) => `${ref}/${name}`,
      stat: () => this.#meta.fstat(fd),
      close: async () => {
        if (closed) return;
        closed = true;
        await release();
      },
    };
  }

  async #lstatOrUndefined(path: string): Promise<Stats | undefined> {
    try {
      return await this.#meta.lstat(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  async #openPortable(host: string, directory: boolean): Promise<JailHandle> {
    const real = await realpath(host);
    if (this.virtualOf(real) === undefined) throw new FsError('PermissionDenied');
    if (directory && !(await stat(real)).isDirectory()) throw new FsError('NotADirectory');
    return {
      ref: real,
      child: (name) => `${real}/${name}`,
      stat: () => stat(real),
      close: async () => {},
    };
  }
}

/**
 * The /proc path of this process's descriptor `fd`: by pid rather than through the
 * `self` link, one symlink fewer to resolve on every lookup through the pinned object.
 */
function procRef(fd: number): string {
  return `/proc/${process.pid}/fd/${fd}`;
}
