/**
 * A CI-sized version of scripts/ftp-upload-memory.ts: 256 MiB through FTP into S3 with
 * the server in its own process. Its memory must grow by less than 110 MiB: tighter than
 * the 150 MiB target, because s3rver absorbs parts fast enough that an upload without
 * backpressure (all parts in flight) grew ~146 MiB at this size; bounded, it grows
 * ~70–76 MiB (8 MiB parts, 4 in flight). The object must be byte-for-byte right.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { measureFtpUpload } from './ftp-memory.js';

const MiB = 1024 * 1024;

it('256 MiB through FTP into S3: server RSS grows < 110 MiB, object size and hash match', async (t) => {
  const m = await measureFtpUpload(256 * MiB);
  assert.equal(m.storedSize, 256 * MiB);
  assert.ok(m.intact, 'stored bytes hash to what was sent');
  assert.ok(m.samples >= 5, `RSS sampled ${m.samples} times`);
  const growth = (m.peakRss - m.baselineRss) / MiB;
  t.diagnostic(`server RSS grew ${growth.toFixed(1)} MiB in ${m.seconds.toFixed(1)} s`);
  assert.ok(growth < 110, `server RSS grew ${growth.toFixed(1)} MiB`);
});
