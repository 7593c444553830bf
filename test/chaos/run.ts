/**
 * The long chaos run (not part of CI): 1,000 killed clients per backend by default.
 *   node --conditions=@ftpkit/source --import tsx test/chaos/run.ts [iterations]
 */
import { runChaos, type Backend } from './chaos.js';

const iterations = Number(process.argv[2] ?? 1000);
let ok = true;
for (const backend of ['memory', 'local'] as Backend[]) {
  const report = await runChaos({ backend, iterations });
  console.log(JSON.stringify(report, null, 2));
  ok &&=
    report.sessionsAfter === 0 &&
    report.fdsAfter <= report.fdsBefore &&
    report.falseCompletions === 0 &&
    report.partialFilesLeft === 0 &&
    report.heapAfterMiB - report.heapBeforeMiB < 32 &&
    report.realClientServed;
}
console.log(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
