// Cost of one sweep for leftover upload files over a large tree: wall time, CPU time and
// the longest the event loop was held. Run from the repository root:
//   node --conditions=@ftpkit/source --import tsx packages/fs-local/bench/sweep.mts [thousands of files]
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Jail } from '../src/jail.js';
import { sweepTree } from '../src/sweep.js';

const thousands = Number(process.argv[2] ?? 100);
const root = await mkdtemp(join(tmpdir(), 'fs-local-sweep-bench-'));
// One directory per thousand files, and one leftover in each (an old name without owner).
for (let d = 0; d < thousands; d++) {
  const dir = join(root, `d${d}`);
  mkdirSync(dir);
  for (let f = 0; f < 1000; f++) writeFileSync(join(dir, `f${f}`), '');
  writeFileSync(join(dir, '.ftpkit-upload-0123456789abcdef.tmp'), '');
}

// The sweep's pauses are unref'd timers: keep the process alive while it runs.
const alive = setInterval(() => {}, 1000);
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const started = performance.now();
const cpu = process.cpuUsage();
const removed = await sweepTree(new Jail(root), -1, new AbortController().signal);
const used = process.cpuUsage(cpu);
delay.disable();
clearInterval(alive);
console.log(
  `${thousands * 1000} files in ${thousands} directories: removed ${removed} leftovers, ` +
    `wall ${(performance.now() - started).toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, ` +
    `event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
);
await rm(root, { recursive: true, force: true });
