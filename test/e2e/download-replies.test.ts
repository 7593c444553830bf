/**
 * A download over a plain data connection the client made before its command answers
 * 150 and 226 in one write, and a client that reads no data before the 150 still gets
 * it soon enough to finish a download too big for the socket buffers.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { FtpServer } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';
import { collect } from '../support/raw-client.js';

const BIG = 16 * 1024 * 1024;

type Written = { chunk: unknown } | { chunks: { chunk: unknown }[] };

/**
 * What the server writes to the control socket of the next login, one entry per write
 * the socket's stream makes (held replies leave through one `_writev`).
 */
function spyOnNextLogin(server: FtpServer): string[] {
  const writes: string[] = [];
  server.once('login', (session) => {
    const socket = session.socket as unknown as {
      _write(chunk: unknown, encoding: string, cb: () => void): void;
      _writev(chunks: { chunk: unknown }[], cb: () => void): void;
    };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    const text = (w: Written) => ('chunk' in w ? String(w.chunk) : w.chunks.map((c) => String(c.chunk)).join(''));
    socket._write = (chunk, encoding, cb) => {
      writes.push(text({ chunk }));
      write(chunk, encoding, cb);
    };
    socket._writev = (chunks, cb) => {
      writes.push(text({ chunks }));
      writev(chunks, cb);
    };
  });
  return writes;
}

describe('download replies', () => {
  const t = useServer({
    fs: new MemoryFileSystem({ files: { '/small.bin': Buffer.alloc(4096, 7), '/big.bin': Buffer.alloc(BIG, 9) } }),
  });

  it('a small download sends its 150 with its 226, in one write', async () => {
    const writes = spyOnNextLogin(t.server.server);
    const client = await t.connect();
    for (let i = 0; i < 3; i++) {
      const data = await client.passive();
      await tick(); // the server accepts the data connection first, as during a real client's round trip
      const body = collect(data);
      assert.equal((await client.send('RETR /small.bin')).code, 150);
      assert.equal((await body).length, 4096);
      assert.equal((await client.read()).code, 226);
      assert.match(writes.at(-1) ?? '', /^150 [^\n]*\r\n226 [^\n]*\r\n$/, `the last writes: ${JSON.stringify(writes.slice(-2))}`);
    }
  });

  it('a client that reads no data before the 150 gets it, and the whole download', async () => {
    const client = await t.connect();
    const data = await client.passive();
    data.pause();
    await tick();
    const opened = await client.send('RETR /big.bin');
    assert.equal(opened.code, 150);
    const body = collect(data);
    data.resume();
    assert.equal((await body).length, BIG);
    assert.equal((await client.read()).code, 226);
  });
});
