/**
 * Removing leftover temporary upload files (see stale-uploads.ts for what is stale).
 *
 * Temporary files live next to their targets, anywhere in the tree, so a sweep walks the
 * whole tree. It must stay cheap on a root of 100k files and more: the walk is lazy
 * (one directory open at a time, read in small batches, a stack of directory names
 * pending), only temporary names are ever stat'ed (the entry types come with the names),
 * and it pauses on an unref'd timer after every {@link SLICE} entries, so it neither
 * holds the event loop nor keeps the process alive. Everything goes through the jail:
 * a directory swapped for a link mid-walk cannot lead it outside the root, and links
 * are never descended into.
 */
import { lstat, opendir, unlink } from 'node:fs/promises';
import type { Jail, JailHandle } from './jail.js';
import { isStale } from './stale-uploads.js';
import { isTempName } from './temp-names.js';

/** Directory entries handled between pauses. */
const SLICE = 500;
/** Milliseconds a walk rests after each slice. */
const PAUSE = 10;

/** Resolves after `ms` without keeping the process alive. */
function rest(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Remove the stale temporary files among `names` in the pinned directory `dir`; returns
 * how many went. Errors (a file already gone, no permission) leave that file alone.
 */
export async function removeStale(dir: JailHandle, names: Iterable<string>, maxAge: number): Promise<number> {
  let removed = 0;
  for (const name of names) {
    if (!isTempName(name)) continue;
    const path = dir.child(name);
    try {
      const stats = await lstat(path);
      if (!stats.isFile() || !isStale(name, stats.mtimeMs, maxAge)) continue;
      await unlink(path);
      removed++;
    } catch {
      // Gone meanwhile, or not ours to remove: the next sweep looks again.
    }
  }
  return removed;
}

/**
 * Walk the tree of `jail` removing stale temporary files. `pending` holds the virtual
 * paths of the directories still to read (default: the whole tree); when `signal` fires
 * the walk stops and leaves in it what is left, so a later call can resume there.
 * Returns how many files were removed.
 */
export async function sweepTree(jail: Jail, maxAge: number, signal: AbortSignal, pending = ['/']): Promise<number> {
  let removed = 0;
  let seen = 0;
  while (pending.length > 0 && !signal.aborted) {
    const path = pending.pop()!;
    const before = pending.length;
    let dir: JailHandle;
    try {
      dir = await jail.open(path, true);
    } catch {
      continue; // removed or replaced since it was listed
    }
    const temps: string[] = [];
    try {
      for await (const entry of await opendir(dir.ref, { bufferSize: 256 })) {
        if (isTempName(entry.name)) {
          if (entry.isFile()) temps.push(entry.name);
        } else if (entry.isDirectory()) {
          pending.push(path === '/' ? `/${entry.name}` : `${path}/${entry.name}`);
        }
        if (++seen % SLICE === 0) {
          removed += await removeStale(dir, temps.splice(0), maxAge);
          await rest(PAUSE);
          if (signal.aborted) break;
        }
      }
      if (signal.aborted) {
        // Stopped inside this directory: resume with it, read again from its start.
        pending.splice(before, Infinity, path);
      } else {
        removed += await removeStale(dir, temps, maxAge);
      }
    } catch {
      // Unreadable or vanished mid-read: skip it.
    } finally {
      await dir.close();
    }
  }
  return removed;
}
