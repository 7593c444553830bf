/**
 * A CI-sized version of scripts/ftp-upload-memory.ts: 128 MiB through FTP into S3 with
 * the server in its own process. Its memory must grow by clearly less than the file
 * (default parts: 8 MiB × 5 held at most), and the object must be byte-for-byte right.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { measureFtpUpload } from './ftp-memory.js';

const MiB = 1024 * 1024;

it('128 MiB through FTP into S3: server RSS grows < 100 MiB, object size and hash match', async (t) => {
  const m = await measureFtpUpload(128 * MiB);
  assert.equal(m.storedSize, 128 * MiB);
  assert.ok(m.intact, 'stored bytes hash to what was sent');
  assert.ok(m.samples >= 5, `RSS sampled ${m.samples} times`);
  const growth = (m.peakRss - m.baselineRss) / MiB;
  t.diagnostic(`server RSS grew ${growth.toFixed(1)} MiB in ${m.seconds.toFixed(1)} s`);
  assert.ok(growth < 100, `server RSS grew ${growth.toFixed(1)} MiB`);
});
