/**
 * The long fuzz run (not part of CI): 100,000 lines by default.
 *   node --conditions=@ftpkit/source --import tsx test/fuzz/run.ts [lines] [seed]
 * Exits non-zero when the server got stuck, leaked, or stopped serving.
 */
import { fuzzServer } from './driver.js';

const lines = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const rssBefore = process.memoryUsage().rss;
const report = await fuzzServer({ lines, seed, log: (m) => console.log(m) });
console.log(JSON.stringify({ ...report, rssGrowthMiB: +((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1) }, null, 2));
const ok =
  report.stuckRounds === 0 && report.sessionsAfter === 0 && report.fdsAfter <= report.fdsBefore && report.realClientServed;
console.log(ok ? 'PASS' : `FAIL (replay with seed ${seed})`);
process.exit(ok ? 0 : 1);
