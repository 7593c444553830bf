/** CI variant of the chaos run: 100 killed clients per backend. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos, type Backend } from './chaos.js';

for (const backend of ['memory', 'local'] as Backend[]) {
  test(`${backend} backend: 100 clients killed mid-RETR, mid-STOR and mid-LIST`, async (t) => {
    const report = await runChaos({ backend, iterations: 100 });
    t.diagnostic(JSON.stringify(report));
    assert.equal(report.sessionsAfter, 0);
    assert.ok(report.fdsAfter <= report.fdsBefore, `fds ${report.fdsBefore} → ${report.fdsAfter}`);
    assert.ok(report.heapAfterMiB - report.heapBeforeMiB < 32, `heap ${report.heapBeforeMiB} → ${report.heapAfterMiB} MiB`);
    assert.equal(report.falseCompletions, 0);
    assert.equal(report.uploadOutcomes.completed ?? 0, 0);
    assert.equal(report.partialFilesLeft, 0);
    assert.equal(report.realClientServed, true);
  });
}
