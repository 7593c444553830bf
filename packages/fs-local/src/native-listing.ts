/**
 * Listings through the optional `@ftpkit/native` addon, when it is installed and loaded:
 * the pinned directory is read and every entry lstat'ed (fstatat relative to it, never
 * following a link) in batches on the thread pool, one round trip per batch rather than a
 * path walk through /proc per entry. The next batch is read while this one is yielded.
 * Same output and jail guarantees as listing.ts, which is used without the addon.
 */
import { throwIfAborted, type FileStat } from '@ftpkit/core';
import type * as Native from '@ftpkit/native';
import { fileStatOf, fileType } from './file-stat.js';
import type { IdNames } from './id-names.js';
import type { Jail, JailHandle } from './jail.js';
import type { NativeModule } from './native-module.js';
import { isTempName } from './temp-names.js';

/** Entries of the first batch: few, so a listing's first bytes leave at once. */
const FIRST_BATCH = 256;
/** Entries of later batches. */
const BATCH = 2048;

/** What a native listing needs (a part of listing.ts's ListContext). */
export interface NativeListContext {
  readonly jail: Jail;
  readonly ids: IdNames;
  readonly signal: AbortSignal | undefined;
  /** Receives the names of the temporary upload files met (and hidden). */
  readonly temps?: string[];
}

/** The entries of the pinned directory `dir`, read by the addon. */
export async function* listNative(
  addon: NativeModule,
  dir: JailHandle,
  { jail, ids, signal, temps }: NativeListContext,
): AsyncGenerator<FileStat> {
  const { EntryField: F, ENTRY_FIELDS } = addon;
  const reader = new addon.DirectoryReader(dir.ref);
  let pending: Promise<Native.DirectoryBatch> | undefined = reader.read(FIRST_BATCH);
  try {
    while (pending) {
      const { names, stats, done }: Native.DirectoryBatch = await pending;
      pending = done ? undefined : reader.read(BATCH);
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (isTempName(name)) {
          temps?.push(name);
          continue;
        }
        const o = i * ENTRY_FIELDS;
        const mode = stats[o + F.mode]!;
        // As Node computes Stats#mtime from st_mtim.
        const mtime = new Date(Math.round(stats[o + F.mtimeSec]! * 1e3 + stats[o + F.mtimeNsec]! / 1e6));
        const target = fileType(mode) === 'symlink' ? await jail.linkTargetOf(dir.child(name)) : undefined;
        yield fileStatOf(name, mode, stats[o + F.size]!, stats[o + F.nlink]!, stats[o + F.uid]!, stats[o + F.gid]!, mtime, ids, target);
      }
      throwIfAborted(signal);
    }
  } finally {
    // A read still in flight ends unobserved; the addon closes the directory after it.
    pending?.catch(() => {});
    reader.close();
  }
}
