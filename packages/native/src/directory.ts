/**
 * DirectoryReader: a directory's entries with their lstat metadata, read in batches on
 * the libuv thread pool by the addon (readdir and fstatat relative to the opened
 * directory, never following a link).
 */
import { binding, LIST_FIELDS } from './load.js';

/** Offsets of an entry's numbers in {@link DirectoryBatch.stats}. */
export const EntryField = {
  /** st_mode: type and permission bits. */
  mode: 0,
  size: 1,
  nlink: 2,
  uid: 3,
  gid: 4,
  /** st_mtim seconds and nanoseconds. */
  mtimeSec: 5,
  mtimeNsec: 6,
} as const;

/** Numbers per entry in {@link DirectoryBatch.stats}. */
export const ENTRY_FIELDS = LIST_FIELDS;

/** Entries read by one {@link DirectoryReader.read}. */
export interface DirectoryBatch {
  /** Entry names (`.` and `..` left out, entries removed meanwhile too). */
  readonly names: string[];
  /** {@link ENTRY_FIELDS} numbers per name, at the offsets of {@link EntryField}. */
  readonly stats: Float64Array;
  /** No entries follow. */
  readonly done: boolean;
}

/**
 * Reads one directory. The path must name the directory itself (a `/proc/self/fd/N`
 * path of a pinned descriptor works); it is opened by the first {@link read}. One
 * read at a time; {@link close} may be called at any time, also while a read runs.
 */
export class DirectoryReader {
  readonly #binding;
  readonly #reader: object;

  /** Throws when the addon is not loaded (check {@link nativeStatus} first). */
  constructor(path: string) {
    const b = binding();
    if (!b) throw new Error('@ftpkit/native is not loaded');
    this.#binding = b;
    this.#reader = b.openDir(path);
  }

  /**
   * Up to `max` more entries (1 to 65,536). Rejects with a Node-style system error
   * (`code` such as `ENOENT`, `ENOTDIR`, `EACCES`; `syscall`).
   */
  async read(max: number): Promise<DirectoryBatch> {
    const { names, stats, done } = await this.#binding.readBatch(this.#reader, max);
    // Every name ends with NUL, which no file name contains.
    const list = names.length === 0 ? [] : names.slice(0, -1).split('\0');
    return { names: list, stats, done };
  }

  /** Release the directory (after the read in flight, if any). Safe to call twice. */
  close(): void {
    this.#binding.closeDir(this.#reader);
  }
}
