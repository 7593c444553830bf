/** CI variant of the fuzzer: ~15,000 generated lines against a live server. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzServer } from './driver.js';

test('15,000 hostile lines: no crash, no stuck session, no leaked socket, a real client still served', async (t) => {
  const seed = Number(process.env.FUZZ_SEED ?? 20_240_607);
  const report = await fuzzServer({ lines: 15_000, seed });
  t.diagnostic(JSON.stringify({ ...report, errors: Object.keys(report.errors).length }));
  assert.equal(report.linesSent, 15_000);
  assert.equal(report.stuckRounds, 0, `seed ${seed}`);
  assert.equal(report.sessionsAfter, 0);
  assert.ok(report.fdsAfter <= report.fdsBefore, `fds ${report.fdsBefore} → ${report.fdsAfter}`);
  assert.equal(report.realClientServed, true);
  assert.ok(Object.values(report.rounds).every((n) => n > 0), 'every state was fuzzed');
  // No handler failed in a way the core did not expect ('Local error in processing').
  const unexpected = Object.keys(report.errors).filter((m) => !/port stealing/.test(m));
  assert.deepEqual(unexpected, []);
});
