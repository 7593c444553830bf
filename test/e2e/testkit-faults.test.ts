/**
 * The core over the wire against fs-testkit's injected faults: a listing that fails
 * part-way answers 451 and the session goes on; a stat that hangs until aborted is
 * released when the client disconnects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { faultyFileSystem } from '@ftpkit/fs-testkit';
import { tryDownload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const files = { '/dir/a': 'a', '/dir/b': 'b', '/dir/c': 'c', '/ok/x': 'x', '/slow': 'slow' };
const fs = faultyFileSystem(new MemoryFileSystem({ files }), {
  'list:/dir': { failAfter: 2 },
  'stat:/slow': 'hang-until-aborted',
});

describe('the core against injected file system faults', () => {
  const t = useServer({ fs });

  it('a LIST whose listing fails mid-stream answers 451, and the session goes on', async () => {
    const client = await t.connect();
    const failed = await tryDownload(client, 'LIST /dir');
    assert.equal(failed.preliminary.code, 150);
    assert.equal(failed.final.code, 451, failed.final.text);
    assert.ok(fs.fired.includes('list:/dir'));
    assert.equal((await client.send('PWD')).code, 257);
    const next = await tryDownload(client, 'NLST /ok');
    assert.equal(next.final.code, 226);
    assert.equal(next.data.toString().trim(), 'x');
  });

  it('a HASH whose stat hangs is released by the client disconnecting', async () => {
    const client = await t.connect();
    client.write('HASH /slow\r\n');
    await sleep(100);
    assert.equal(fs.released.length, 0, 'released before the client left');
    client.close();
    for (let waited = 0; !fs.released.includes('stat:/slow') && waited < 5000; waited += 20) await sleep(20);
    assert.deepEqual(fs.released, ['stat:/slow']);
    const other = await t.connect();
    assert.equal((await other.send('SIZE /ok/x')).code, 213);
  });
});
