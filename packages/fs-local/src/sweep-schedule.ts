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
 * Sweep the root of `jail` with `settings` while the returned release function has not
 * been called. Calling it more than once is harmless.
 */
export function keepSwept(jail: Jail, settings: SweepSettings): () => void {
  return roots.hold(jail.root, settings.interval, (signal) => sweepTree(jail, settings.maxAge, signal));
}
