// An adapter that fails mid-transfer with an error of its own (not an FsError) is a
// local failure: 451 and outcome 'failed', never mistaken for a broken data connection
// (426, 'aborted'). Its FsErrors keep their own replies.
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { FsError, type FileSystem, type TransferResult } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { collect } from '../support/raw-client.js';
import { startTransfer } from '../support/data.js';
import { useServer } from '../support/fixture.js';

/** fs-memory, except that reads of /broken.bin and writes to /broken-*.bin fail half-way. */
function failingFs(): FileSystem {
  const inner = new MemoryFileSystem({ files: { '/broken.bin': Buffer.alloc(1024 * 1024, 1) } });
  return Object.assign(Object.create(inner) as FileSystem, {
    async read(path: string, options?: { start?: number }) {
      if (path !== '/broken.bin') return inner.read(path, options);
      let sent = false;
      return new Readable({
        read() {
          if (!sent) return void ((sent = true), this.push(Buffer.alloc(64 * 1024, 2)));
          this.destroy(new Error('disk controller on fire'));
        },
      });
    },
    async write(path: string) {
      if (!path.startsWith('/broken-')) return inner.write(path);
      let seen = 0;
      return new Writable({
        write(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen < 64 * 1024) return done();
          done(path === '/broken-raw.bin' ? new Error('bucket melted') : new FsError('NoSpace'));
        },
      });
    },
  });
}

describe('adapter failures mid-transfer', () => {
  const t = useServer({ fs: failingFs() });
  const results: TransferResult[] = [];
  before(() => {
    t.server.server.on('transfer-end', ({ result }) => results.push(result));
  });

  it('a download whose source fails: 451, failed', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /broken.bin');
    void collect(socket).catch(() => {});
    const final = await client.read();
    assert.equal(final.code, 451, final.text);
    await new Promise((r) => setImmediate(r));
    assert.equal(results.at(-1)!.status, 'failed');
  });

  it('an upload whose sink fails with its own error: 451, failed', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'STOR /broken-raw.bin');
    socket.write(Buffer.alloc(256 * 1024, 3));
    const final = await client.read();
    socket.destroy();
    assert.equal(final.code, 451, final.text);
    await new Promise((r) => setImmediate(r));
    assert.equal(results.at(-1)!.status, 'failed');
  });

  it('an upload whose sink fails with an FsError keeps its reply: 552, failed', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'STOR /broken-full.bin');
    socket.write(Buffer.alloc(256 * 1024, 3));
    const final = await client.read();
    socket.destroy();
    assert.equal(final.code, 552, final.text);
    await new Promise((r) => setImmediate(r));
    assert.equal(results.at(-1)!.status, 'failed');
  });
});
