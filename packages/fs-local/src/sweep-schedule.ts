/**
 * When leftover temporary files are swept: once when a root is first served by this
 * process, then every `interval` while any LocalFileSystem on that root is open. The
 * instances of one root share one schedule (with the first one's settings), so hosts
 * that make one LocalFileSystem per session or user cause no extra walks; the last
 * `close()` stops it (see the core's SharedSchedule).
 */
import { SharedSchedule } from '@ftpkit/core';
import type { Jail } from './jail.js';
import { sweepTree } from './sweep.js';

/** How a root is swept; milliseconds. */
export interface SweepSettings {
  /** Age after which a temporary file of an unknown writer is stale (see stale-uploads.ts). */
  readonly maxAge: number;
  /** Time between two walks of the tree; 0: only the first. */
  readonly interval: number;
}

const roots = new SharedSchedule();
/**
 * Directories still to read by a walk that was stopped (its root's last instance closed),
 * by root. The next walk resumes there, so hosts whose sessions are shorter than a walk
 * of a large tree still get through it.
 */
const unfinished = new Map<string, string[]>();

/**
 * Sweep the root of `jail` with `settings` while the returned release function has not
 * been called. Calling it more than once is harmless.
 */
export function keepSwept(jail: Jail, settings: SweepSettings): () => void {
  const { root } = jail;
  return roots.hold(root, settings.interval, async (signal) => {
    const pending = unfinished.get(root) ?? ['/'];
    unfinished.delete(root);
    try {
      return await sweepTree(jail, settings.maxAge, signal, pending);
    } finally {
      if (pending.length > 0) unfinished.set(root, pending);
    }
  });
}
