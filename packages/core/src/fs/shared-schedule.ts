/**
 * Background upkeep that adapters share between their instances, such as sweeping the
 * leftovers of crashed uploads. Hosts often create one FileSystem per session or per
 * user on the same storage, so the schedule belongs to the storage (a key), not to an
 * instance: the task runs once when the first instance of a key is opened, then every
 * `interval` while any instance holds the key; a new instance does not run it again
 * before the interval is up; the last release stops it, cancelling a run in progress.
 * Timers are unref'd and failures wait for the next run: upkeep never keeps the process
 * alive or takes the server down.
 */

/** One run of the task; it should stop soon after `signal` fires. */
export type ScheduledTask = (signal: AbortSignal) => Promise<unknown>;

interface Entry {
  task: ScheduledTask;
  interval: number;
  holders: number;
  timer?: ReturnType<typeof setTimeout>;
  running?: AbortController;
  /** When the last complete run started. */
  lastRun?: number;
}

/** Keys whose task runs while they are held; see the file comment. */
export class SharedSchedule {
  readonly #entries = new Map<string, Entry>();

  /**
   * Hold `key`: while anyone holds it, `task` runs at once (unless a run completed less
   * than `interval` ago) and then every `interval` ms; `0` runs it once. The first
   * holder's task and interval are used. Returns the release function (idempotent).
   */
  hold(key: string, interval: number, task: ScheduledTask): () => void {
    let entry = this.#entries.get(key);
    if (!entry) this.#entries.set(key, (entry = { task, interval, holders: 0 }));
    if (entry.holders++ === 0) {
      entry.task = task;
      entry.interval = interval;
      plan(entry);
    }
    const held = entry;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      clearTimeout(held.timer);
      held.running?.abort();
    };
  }
}

/** Time the next run: now if none completed yet, else one interval after the last. */
function plan(entry: Entry): void {
  const { lastRun, interval } = entry;
  if (lastRun !== undefined && interval <= 0) return;
  const delay = lastRun === undefined ? 0 : Math.max(0, lastRun + interval - Date.now());
  entry.timer = setTimeout(() => void run(entry), delay);
  entry.timer.unref?.();
}

async function run(entry: Entry): Promise<void> {
  const controller = new AbortController();
  entry.running = controller;
  const started = Date.now();
  await entry.task(controller.signal).catch(() => undefined);
  if (entry.running === controller) entry.running = undefined;
  if (controller.signal.aborted) return;
  entry.lastRun = started;
  plan(entry);
}
