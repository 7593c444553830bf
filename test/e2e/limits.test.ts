/** Timeouts, connection limits and shutdown. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { RawClient } from '../support/raw-client.js';
import { startTestServer } from '../support/server.js';
import { startTransfer } from '../support/data.js';
import { useServer } from '../support/fixture.js';

describe('idle and login timeouts', () => {
  const t = useServer({ idleTimeout: 300, loginTimeout: 600 });

  it('closes an idle logged-in session with 421', async () => {
    const client = await t.connect();
    const closed = once(client.socket, 'close');
    const reply = await client.read(3000);
    assert.equal(reply.code, 421);
    assert.match(reply.text, /idle/i);
    await closed;
  });

  it('keeps a session that sends commands alive past the idle timeout', async () => {
    const client = await t.connect();
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      assert.equal((await client.send('NOOP')).code, 200);
    }
  });

  it('closes a connection that does not log in within the login timeout with 421', async () => {
    const { client } = await t.connectRaw();
    const closed = once(client.socket, 'close');
    // Commands before login do not extend the login deadline.
    await sleep(200);
    await client.send('NOOP');
    await sleep(200);
    // On a loaded machine the deadline may pass before USER is answered: the 421 is then
    // the reply to USER itself, and nothing comes after it.
    const afterUser = await client.send('USER user');
    const final = afterUser.code === 421 ? afterUser : await client.read(3000);
    assert.equal(final.code, 421);
    assert.match(final.text, /Login timeout/);
    await closed;
  });
});

describe('idle timeout during a transfer', () => {
  const t = useServer({ idleTimeout: 200, fs: new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(16 * 1024 * 1024) } }) });

  it('does not fire while a slow transfer runs', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    socket.pause();
    await sleep(600);
    assert.equal(client.closed, false);
    socket.resume();
    socket.on('data', () => {});
    assert.equal((await client.read(10_000)).code, 226);
  });
});

describe('connection limits', () => {
  const t = useServer({ maxConnectionsPerIp: 2, maxConnections: 3 });

  it('refuses a connection beyond maxConnectionsPerIp with 421, from that address only', async () => {
    await t.connectRaw();
    await t.connectRaw();
    const { client, banner } = await t.connectRaw();
    assert.equal(banner.code, 421);
    await once(client.socket, 'close');
    const other = await t.connectRaw('127.0.0.2');
    assert.equal(other.banner.code, 220);
  });

  it('refuses a connection beyond maxConnections with 421 and admits again after one leaves', async () => {
    await sleep(100); // the previous test's clients are closed after it
    // Logged in: a full server drops a quiet pre-login connection for a newcomer, never these.
    const a = await t.connect();
    await t.connect();
    await t.connect(true, '127.0.0.2');
    const over = await t.connectRaw('127.0.0.3');
    assert.equal(over.banner.code, 421);
    a.close();
    await sleep(100);
    assert.equal((await t.connectRaw('127.0.0.3')).banner.code, 220);
  });
});

describe('server.close()', () => {
  it('ends every session with 421 and resolves once they are gone', async () => {
    const server = await startTestServer();
    const { client: a } = await RawClient.connect(server.port);
    const { client: b } = await RawClient.connect(server.port);
    await b.login();
    const closing = server.server.close({ timeout: 500 });
    assert.equal((await a.read()).code, 421);
    assert.equal((await b.read()).code, 421);
    await closing;
    assert.equal(server.server.sessions.size, 0);
    await assert.rejects(RawClient.connect(server.port));
  });

  it('lets a running transfer finish within the deadline', async () => {
    const server = await startTestServer({ fs: new MemoryFileSystem({ files: { '/f.bin': Buffer.alloc(1024 * 1024, 3) } }) });
    const { client } = await RawClient.connect(server.port);
    await client.login();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /f.bin');
    socket.pause();
    const closing = server.server.close({ timeout: 5000 });
    await sleep(100);
    let received = 0;
    socket.on('data', (c: Buffer) => (received += c.length));
    const drained = once(socket, 'close');
    socket.resume();
    assert.equal((await client.read()).code, 226);
    assert.equal((await client.read()).code, 421);
    await closing;
    await drained;
    assert.equal(received, 1024 * 1024);
  });

  it('aborts a transfer that outlives the deadline', async () => {
    const server = await startTestServer({ fs: new MemoryFileSystem({ files: { '/f.bin': Buffer.alloc(16 * 1024 * 1024, 3) } }) });
    const { client } = await RawClient.connect(server.port);
    await client.login();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'RETR /f.bin');
    socket.pause();
    const started = Date.now();
    await server.server.close({ timeout: 300 });
    assert.ok(Date.now() - started < 4000);
    assert.equal(server.server.sessions.size, 0);
    socket.destroy();
  });
});
