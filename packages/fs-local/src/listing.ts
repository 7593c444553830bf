/**
 * Directory listings of LocalFileSystem: names read from the pinned directory, each
 * described by an lstat through that pin, so a directory swapped mid-listing changes
 * nothing. Temporary upload files are hidden (and reported, for the sweeper); entries that
 * vanish meanwhile are skipped.
 */
import { lstatSync, opendirSync, type Stats } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { errnoOf, throwIfAborted, type FileStat } from '@ftpkit/core';
import { toFileStat } from './file-stat.js';
import type { IdNames } from './id-names.js';
import type { Jail, JailHandle } from './jail.js';
import type { Metadata } from './metadata.js';
import { listNative } from './native-listing.js';
import type { NativeModule } from './native-module.js';
import { isTempName } from './temp-names.js';

/** Directory entries read per getdents(2) call. */
const DIR_BUFFER = 256;
/** Entries described concurrently through the thread pool (asynchronous metadata). */
const ASYNC_BATCH = 64;
/** Entries described between abort checks with synchronous metadata. */
const SYNC_BATCH = 1024;

/** What a listing needs from its file system. */
export interface ListContext {
  readonly jail: Jail;
  readonly meta: Metadata;
  readonly ids: IdNames;
  /** Whether metadata calls are synchronous (see LocalFileSystemOptions.syncMetadata). */
  readonly sync: boolean;
  readonly signal: AbortSignal | undefined;
  /** Receives the names of the temporary upload files met (and hidden). */
  readonly temps?: string[];
  /** The `@ftpkit/native` addon, when it is to be used (see native-listing.ts). */
  readonly native?: NativeModule | undefined;
}

/** The entries of the pinned directory `dir`. */
export function listDirectory(dir: JailHandle, context: ListContext): AsyncGenerator<FileStat> {
  if (context.native) return listNative(context.native, dir, context);
  return context.sync ? listSync(dir, context) : listAsync(dir, context);
}

/**
 * Synchronous directory reads and lstats: on a local disk each is a few microseconds,
 * while a promise per entry (or a thread-pool round trip) costs several times that.
 */
async function* listSync(dir: JailHandle, { jail, ids, signal, temps }: ListContext): AsyncGenerator<FileStat> {
  const names = opendirSync(dir.ref, { bufferSize: DIR_BUFFER });
  try {
    for (let n = 1; ; n++) {
      const dirent = names.readSync();
      if (!dirent) return;
      if (n % SYNC_BATCH === 0) throwIfAborted(signal);
      const { name } = dirent;
      if (isTempName(name)) {
        temps?.push(name);
        continue;
      }
      const path = dir.child(name);
      const stats = lstatSync(path, { throwIfNoEntry: false });
      if (!stats) continue;
      const target = stats.isSymbolicLink() ? await jail.linkTargetOf(path) : undefined;
      yield toFileStat(name, stats, ids, target);
    }
  } finally {
    names.closeSync();
  }
}

/** Thread-pool reads, describing {@link ASYNC_BATCH} entries at a time concurrently. */
async function* listAsync(dir: JailHandle, context: ListContext): AsyncGenerator<FileStat> {
  let batch: string[] = [];
  for await (const dirent of await opendir(dir.ref, { bufferSize: DIR_BUFFER })) {
    if (isTempName(dirent.name)) {
      context.temps?.push(dirent.name);
      continue;
    }
    batch.push(dirent.name);
    if (batch.length < ASYNC_BATCH) continue;
    yield* await describe(dir, batch, context);
    batch = [];
    throwIfAborted(context.signal);
  }
  yield* await describe(dir, batch, context);
}

async function describe(dir: JailHandle, names: string[], { jail, meta, ids }: ListContext): Promise<FileStat[]> {
  const described = await Promise.all(
    names.map(async (name) => {
      let stats: Stats;
      try {
        stats = await meta.lstat(dir.child(name));
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return undefined;
        throw err;
      }
      const target = stats.isSymbolicLink() ? await jail.linkTargetOf(dir.child(name)) : undefined;
      return toFileStat(name, stats, ids, target);
    }),
  );
  return described.filter((s): s is FileStat => s !== undefined);
}
