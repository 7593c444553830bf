/**
 * Which temporary upload files are leftovers that may be removed, and which are live.
 *
 * A temporary file is stale when
 * - its name says this process wrote it and it is not one of this process's uploads in
 *   progress (a cleanup that failed), or
 * - its name says another process in this pid scope wrote it (same host tag, see
 *   temp-names.ts) and that pid no longer exists: the writer crashed; or
 * - it has not been written to for `maxAge`: the fallback for files of other hosts and
 *   of older versions, whose writer cannot be asked. A live upload writes as its bytes
 *   arrive, so `maxAge` must exceed the longest an upload may stall, not its duration.
 * A reused pid keeps its file until `maxAge`; nothing live is ever judged stale earlier.
 */
import { HOST_TAG, ownerOf } from './temp-names.js';

/**
 * Temporary names of this process's atomic uploads in progress; kept on `globalThis` so
 * that two copies of this package in one process still see each other's uploads.
 */
const live: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('ftpkit.fs-local.live-uploads')] ??=
  new Set<string>()) as Set<string>;

/** Mark `name` as an upload in progress until the returned function is called. */
export function trackUpload(name: string): () => void {
  live.add(name);
  return () => {
    live.delete(name);
  };
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the temporary file `name`, last modified at `mtimeMs`, is a leftover. */
export function isStale(name: string, mtimeMs: number, maxAge: number, now = Date.now()): boolean {
  if (live.has(name)) return false;
  const owner = ownerOf(name);
  if (owner?.host === HOST_TAG && owner.pid > 0) {
    if (owner.pid === process.pid || !processExists(owner.pid)) return true;
  }
  return now - mtimeMs > maxAge;
}
