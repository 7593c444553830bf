/**
 * When leftover temporary files are swept: once when a root is first served by this
 * process, then every `interval` while any LocalFileSystem on that root is open.
 *
 * Hosts often make one LocalFileSystem per session or per user, so the schedule belongs
 * to the root, not to an instance: the instances of one root share one schedule (with the
 * options of the first one), a new instance does not walk the tree again before the
 * interval is up, and the walk stops when the last instance of the root is closed.
 * Timers are unref'd: a sweep never keeps the process alive.
 */
import type { Jail } from './jail.js';
import { sweepTree } from './sweep.js';

/** How a root is swept; milliseconds. */
export interface SweepSettings {
  /** Age after which a temporary file of an unknown writer is stale (see stale-uploads.ts). */
  readonly maxAge: number;
  /** Time between two walks of the tree; 0: only the first. */
  readonly interval: number;
}

interface RootSchedule {
  jail: Jail;
  settings: SweepSettings;
  /** Open LocalFileSystems on this root. */
  users: number;
  timer?: NodeJS.Timeout;
  walk?: AbortController;
  /** When the last complete walk started. */
  lastWalk?: number;
}

const schedules = new Map<string, RootSchedule>();

/**
 * Sweep the root of `jail` with `settings` while the returned release function has not
 * been called. Calling it more than once is harmless.
 */
export function keepSwept(jail: Jail, settings: SweepSettings): () => void {
  let schedule = schedules.get(jail.root);
  if (!schedule) {
    schedule = { jail, settings, users: 0 };
    schedules.set(jail.root, schedule);
  }
  if (schedule.users++ === 0) {
    schedule.jail = jail;
    schedule.settings = settings;
    plan(schedule);
  }
  const active = schedule;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--active.users > 0) return;
    clearTimeout(active.timer);
    active.walk?.abort();
  };
}

/** Time the next walk: now if none completed yet, else one interval after the last. */
function plan(schedule: RootSchedule): void {
  const { lastWalk } = schedule;
  const { interval } = schedule.settings;
  if (lastWalk !== undefined && interval <= 0) return;
  const delay = lastWalk === undefined ? 0 : Math.max(0, lastWalk + interval - Date.now());
  schedule.timer = setTimeout(() => void walk(schedule), delay).unref();
}

async function walk(schedule: RootSchedule): Promise<void> {
  const controller = new AbortController();
  schedule.walk = controller;
  const started = Date.now();
  await sweepTree(schedule.jail, schedule.settings.maxAge, controller.signal).catch(() => 0);
  if (schedule.walk === controller) schedule.walk = undefined;
  if (controller.signal.aborted) return;
  schedule.lastWalk = started;
  plan(schedule);
}
