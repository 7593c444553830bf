// SharedSchedule: a task shared by the holders of a key runs at once, then every
// interval while the key is held, not again for a new holder within the interval, and
// stops (its run cancelled) when the last holder releases it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { SharedSchedule } from '../src/index.js';

/** A task that counts its runs and records whether a run saw its signal fire. */
function counting(runMs = 0) {
  const stats = { runs: 0, cancelled: 0 };
  const task = async (signal: AbortSignal) => {
    stats.runs++;
    await sleep(runMs);
    if (signal.aborted) stats.cancelled++;
  };
  return { stats, task };
}

describe('SharedSchedule', () => {
  it('runs at once, then every interval while held, and stops on release', async () => {
    const schedule = new SharedSchedule();
    const { stats, task } = counting();
    const release = schedule.hold('a', 50, task);
    await sleep(20);
    assert.equal(stats.runs, 1);
    await sleep(170);
    assert.ok(stats.runs >= 2 && stats.runs <= 5, `runs: ${stats.runs}`); // timers run late on a busy machine
    release();
    release(); // harmless
    const runs = stats.runs;
    await sleep(150);
    assert.equal(stats.runs, runs, 'no run after the release');
  });

  it('holders of a key share one schedule; other keys have their own', async () => {
    const schedule = new SharedSchedule();
    const { stats, task } = counting();
    const first = schedule.hold('a', 10_000, task);
    await sleep(20);
    const second = schedule.hold('a', 10, task);
    const third = schedule.hold('a', 10, task);
    await sleep(100);
    assert.equal(stats.runs, 1, 'the first holder’s interval applies, and no new run for new holders');
    first();
    second();
    third();
    // Re-held within the interval: the run that completed counts.
    const again = schedule.hold('a', 10_000, task);
    await sleep(50);
    assert.equal(stats.runs, 1);
    again();
    const other = counting();
    const b = schedule.hold('b', 0, other.task);
    await sleep(50);
    assert.equal(other.stats.runs, 1, 'interval 0: once');
    b();
  });

  it('the last release cancels a run in progress, which then does not count as complete', async () => {
    const schedule = new SharedSchedule();
    const { stats, task } = counting(100);
    const release = schedule.hold('a', 10_000, task);
    await sleep(30);
    release();
    await sleep(120);
    assert.deepEqual(stats, { runs: 1, cancelled: 1 });
    const again = schedule.hold('a', 10_000, task);
    await sleep(30);
    assert.equal(stats.runs, 2, 'an unfinished run is started again');
    again();
  });

  it('a failing task waits for the next interval', async () => {
    const schedule = new SharedSchedule();
    let runs = 0;
    const release = schedule.hold('a', 40, async () => {
      runs++;
      throw new Error('storage unavailable');
    });
    await sleep(130);
    release();
    assert.ok(runs >= 2, `runs: ${runs}`);
  });
});
