/** Conversion of Node's `Stats` into the core's `FileStat`. */
import type { Stats } from 'node:fs';
import type { FileStat, FileType } from '@ftpkit/core';
import type { IdNames } from './id-names.js';

/** The FileStat called `name` for `stats`; `target` is set for links that stay inside. */
export function toFileStat(name: string, stats: Stats, ids: IdNames, target?: string): FileStat {
  const entry: FileStat = {
    name,
    type: fileType(stats),
    size: stats.size,
    mtime: stats.mtime,
    mode: stats.mode & 0o7777,
    nlink: stats.nlink,
    owner: ids.user(stats.uid),
    group: ids.group(stats.gid),
  };
  if (target !== undefined) entry.target = target;
  return entry;
}

/** FIFOs, sockets and devices are listed as files; reading them is refused. */
function fileType(stats: Stats): FileType {
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'file';
}
