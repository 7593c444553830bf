/**
 * RETR takes the size it announces, and its REST and directory checks, from the read
 * stream's `fileStat` when the adapter gives one: one lookup per download, no `stat`.
 * Without it, RETR makes its own stat after opening. A refusal destroys the opened stream.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FileStat, OperationOptions, ReadOptions, ReadStream } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { tryDownload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

const BODY = randomBytes(70_000);

/** Memory storage that counts its stat calls; its read streams carry fileStat only while `describe` is on. */
class CountingFileSystem extends MemoryFileSystem {
  stats = 0;
  describe = true;
  readonly opened: Readable[] = [];

  override async stat(path: string, options?: OperationOptions): Promise<FileStat> {
    this.stats++;
    return super.stat(path, options);
  }

  override async read(path: string, options?: ReadOptions): Promise<Readable> {
    const stream: ReadStream = await super.read(path, options);
    this.opened.push(stream);
    if (!this.describe) delete stream.fileStat;
    return stream;
  }
}

describe('RETR and the read stream’s fileStat', () => {
  const fs = new CountingFileSystem({ files: { '/body.bin': BODY } });
  const t = useServer({ fs });

  for (const describe of [true, false]) {
    it(`${describe ? 'with' : 'without'} fileStat, RETR announces the size and sends the file${describe ? ' without a stat' : ' after one stat'}`, async () => {
      fs.describe = describe;
      const client = await t.connect();
      assert.equal((await client.send('TYPE I')).code, 200);
      const before = fs.stats;
      const { preliminary, final, data } = await tryDownload(client, 'RETR /body.bin');
      assert.equal(preliminary.code, 150, preliminary.text);
      assert.match(preliminary.text, new RegExp(`\\(${BODY.length} bytes\\)`));
      assert.equal(final.code, 226, final.text);
      assert.ok(data.equals(BODY));
      assert.equal(fs.stats - before, describe ? 0 : 1);

      assert.equal((await client.send('REST 60000')).code, 350);
      const resumed = await tryDownload(client, 'RETR /body.bin');
      assert.match(resumed.preliminary.text, new RegExp(`\\(${BODY.length - 60_000} bytes\\)`));
      assert.ok(resumed.data.equals(BODY.subarray(60_000)));
      assert.equal(fs.stats - before, describe ? 0 : 2);
    });

    it(`${describe ? 'with' : 'without'} fileStat, a REST beyond the end is 554 and the opened stream is destroyed`, async () => {
      fs.describe = describe;
      const client = await t.connect();
      await client.passive();
      assert.equal((await client.send(`REST ${BODY.length + 1}`)).code, 350);
      const opened = fs.opened.length;
      assert.equal((await client.send('RETR /body.bin')).code, 554);
      assert.equal(fs.opened.length, opened + 1);
      assert.equal(fs.opened.at(-1)!.destroyed, true);
      // The refusal left the data channel: the next RETR uses the same PASV.
      assert.equal((await client.send('RETR /missing.bin')).code, 550);
    });
  }

  it('RETR of a directory is 550 "Not a plain file."', async () => {
    await fs.mkdir('/folder');
    const client = await t.connect();
    await client.passive();
    const reply = await client.send('RETR /folder');
    assert.equal(reply.code, 550);
    assert.equal(reply.text, '550 Not a plain file.');
  });
});
