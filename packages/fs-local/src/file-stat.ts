/** Conversion of lstat results into the core's `FileStat`. */
import { constants, type Stats } from 'node:fs';
import type { FileStat, FileType } from '@ftpkit/core';
import type { IdNames } from './id-names.js';

/** The FileStat called `name` for `stats`; `target` is set for links that stay inside. */
export function toFileStat(name: string, stats: Stats, ids: IdNames, target?: string): FileStat {
  return fileStatOf(name, stats.mode, stats.size, stats.nlink, stats.uid, stats.gid, stats.mtime, ids, target);
}

/** {@link toFileStat} from the numbers of an lstat (st_mode, st_size, ...) one by one. */
export function fileStatOf(
  name: string,
  mode: number,
  size: number,
  nlink: number,
  uid: number,
  gid: number,
  mtime: Date,
  ids: IdNames,
  target?: string,
): FileStat {
  const entry: FileStat = {
    name,
    type: fileType(mode),
    size,
    mtime,
    mode: mode & 0o7777,
    nlink,
    owner: ids.user(uid),
    group: ids.group(gid),
  };
  if (target !== undefined) entry.target = target;
  return entry;
}

/** The type of an st_mode: FIFOs, sockets and devices are listed as files (reading them is refused). */
export function fileType(mode: number): FileType {
  const format = mode & constants.S_IFMT;
  if (format === constants.S_IFDIR) return 'directory';
  if (format === constants.S_IFLNK) return 'symlink';
  return 'file';
}
