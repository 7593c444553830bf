/**
 * A download over a plain data connection the client made before its command, or makes
 * right after it, answers 150 and 226 in one write; a client that waits for the 150
 * before connecting gets it after the hold, and unheld from then on; and a client that
 * reads no data before the 150 still gets it soon enough to finish a download too big
 * for the socket buffers.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { FtpServer } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';
import { collect, type RawClient } from '../support/raw-client.js';

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

/** EPSV, and the port to connect to later. */
async function passivePort(client: RawClient): Promise<number> {
  const reply = await client.send('EPSV');
  const port = /\|\|\|(\d+)\|/.exec(reply.text)?.[1];
  assert.equal(reply.code, 229);
  return Number(port);
}

function dataConnection(port: number): Socket {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  return socket;
}

const ONE_WRITE = /^150 [^\n]*\r\n226 [^\n]*\r\n$/;

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

  it('a data connection made just after the RETR was read still gets 150 with 226 in one write', async () => {
    const writes = spyOnNextLogin(t.server.server);
    const client = await t.connect();
    for (let i = 0; i < 3; i++) {
      const port = await passivePort(client);
      // The command first, then the connection: the server reads RETR before it accepts.
      client.write('RETR /small.bin\r\n');
      const body = collect(dataConnection(port));
      assert.equal((await client.read()).code, 150);
      assert.equal((await body).length, 4096);
      assert.equal((await client.read()).code, 226);
      assert.match(writes.at(-1) ?? '', ONE_WRITE, `the last writes: ${JSON.stringify(writes.slice(-2))}`);
    }
  });

  it('a client that connects only after the 150 gets it once the hold runs out, and unheld after that', async () => {
    let session: object | undefined;
    t.server.server.once('login', (s) => (session = s));
    const client = await t.connect();
    const waited: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await passivePort(client);
      const sent = performance.now();
      assert.equal((await client.send('RETR /small.bin')).code, 150);
      waited.push(performance.now() - sent);
      const body = collect(dataConnection(port));
      assert.equal((await body).length, 4096);
      assert.equal((await client.read()).code, 226);
    }
    // Held the first time, until the 5 ms ran out (timers may fire up to 1 ms early by the clock).
    assert.ok(waited[0]! >= 4, `the first 150 came after ${waited[0]} ms`);
    // The session has learnt that this client waits, so later 150s are not held.
    assert.equal((session as { connectsBefore150?: boolean }).connectsBefore150, false);
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
