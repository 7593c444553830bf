/** ABOR, STAT and NOOP while transfers run, and transfers that end badly. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import type { TransferResult } from '@ftpkit/core';
import { useServer } from '../support/fixture.js';
import { download, startTransfer } from '../support/data.js';

const BIG = 64 * 1024 * 1024;

describe('transfers in progress', () => {
  // Seeded in one piece: 64 MiB through many small writes would be slow in memfs.
  const fs = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 7) } });
  const t = useServer({ fs });
  const results: TransferResult[] = [];

  before(async () => {
    t.server.server.on('transfer-end', ({ result }) => results.push(result));
  });

  it('ABOR during a RETR whose client stopped reading: 426, then 226, and the session goes on', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    socket.pause(); // stop reading: the server blocks on a full socket buffer
    await sleep(200);
    client.write('ABOR\r\n');
    const first = await client.read();
    const second = await client.read();
    assert.deepEqual([first.code, second.code], [426, 226]);
    socket.resume(); // drain what was in flight, to see the close
    await once(socket, 'close');
    const result = results.at(-1)!;
    assert.equal(result.status, 'aborted');
    assert.ok(result.bytes < BIG, `${result.bytes} bytes reported`);
    assert.equal((await download(client, 'RETR /big.bin')).length, BIG);
  });

  it('STAT and NOOP are answered while a transfer runs', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    socket.pause();
    await sleep(100);
    assert.equal((await client.send('NOOP')).code, 200);
    const stat = await client.send('STAT');
    assert.equal(stat.code, 211);
    assert.match(stat.text, /Transfer in progress: RETR \/big\.bin, \d+ bytes so far/);
    const statPath = await client.send('STAT /');
    assert.equal(statPath.code, 211, 'STAT with a path during a transfer gives the status');
    // Commands that must wait are queued, answered after the transfer.
    client.write('PWD\r\n');
    socket.resume();
    const received = await new Promise<number>((resolve) => {
      let n = 0;
      socket.on('data', (c: Buffer) => (n += c.length));
      socket.once('close', () => resolve(n));
    });
    assert.equal((await client.read(20_000)).code, 226);
    assert.equal((await client.read()).code, 257);
    assert.ok(received > 0);
  });

  it('ABOR during a STOR: 426, 226, and the partial upload is not stored', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'STOR /aborted-upload.bin');
    socket.write(Buffer.alloc(256 * 1024, 1));
    await sleep(100);
    client.write('ABOR\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
    assert.equal(results.at(-1)!.status, 'aborted');
    await assert.rejects(fs.stat('/aborted-upload.bin'));
    socket.destroy();
  });

  it('ABOR while the server waits for the passive data connection answers at once', async () => {
    const client = await t.connect();
    await client.send('EPSV');
    assert.equal((await client.send('RETR /big.bin')).code, 150);
    const started = Date.now();
    client.write('ABOR\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
    assert.ok(Date.now() - started < 4000, 'not after the data connection timeout');
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('ABOR without a transfer answers 225 and drops a prepared data channel', async () => {
    const client = await t.connect();
    await client.send('EPSV');
    assert.equal((await client.send('ABOR')).code, 225);
    assert.equal((await client.send('RETR /big.bin')).code, 425);
  });

  it('a client closing the data connection mid-download gets 426', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    await once(socket, 'data');
    socket.destroy();
    assert.equal((await client.read()).code, 426);
    assert.equal(results.at(-1)!.status, 'aborted');
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('a client that vanishes mid-upload leaves no file behind', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'STOR /vanished.bin');
    socket.write(Buffer.alloc(100_000, 2));
    await sleep(50);
    const ended = new Promise<TransferResult>((resolve) => t.server.server.once('transfer-end', ({ result }) => resolve(result)));
    client.close();
    socket.end();
    const result = await ended;
    assert.notEqual(result.status, 'completed');
    await assert.rejects(fs.stat('/vanished.bin'));
  });

  it('QUIT during a transfer ends it and the session', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    socket.pause();
    client.write('QUIT\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 221]);
    await once(client.socket, 'close');
  });
});
