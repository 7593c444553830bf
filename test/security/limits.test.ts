/**
 * Resource limits end to end: connection caps, the pre-login timeout against silent
 * connections, idle and data-connection timeouts, the line cap, the command queue.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { waitUntil } from '../support/process-stats.js';
import { RawClient, collect } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function silent(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('connections over the total and per-address limits get 421', async () => {
  const { port } = await start({ maxConnections: 4, maxConnectionsPerIp: 2 });
  const held = [
    await RawClient.connect(port, '127.0.0.1', '127.0.0.11'),
    await RawClient.connect(port, '127.0.0.1', '127.0.0.11'),
  ];
  assert.equal((await RawClient.connect(port, '127.0.0.1', '127.0.0.11')).banner.code, 421);
  held.push(await RawClient.connect(port, '127.0.0.1', '127.0.0.12'), await RawClient.connect(port, '127.0.0.1', '127.0.0.13'));
  assert.ok(held.every((h) => h.banner.code === 220));
  assert.equal((await RawClient.connect(port, '127.0.0.1', '127.0.0.14')).banner.code, 421);
  for (const h of held) h.client.close();
});

test('1,000 silent connections do not stop a real client; the login timeout drops them', async (t) => {
  // The login timeout must outlast setting up 1,000 sockets on a loaded machine.
  const { server, port } = await start({ maxConnections: 1001, maxConnectionsPerIp: 200, loginTimeout: 4000 });
  const sockets: Socket[] = [];
  for (let i = 0; i < 1000; i += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: 100 }, (_, j) => silent(port, `127.0.1.${1 + ((i + j) % 5)}`)))));
  }
  await waitUntil(() => server.sessions.size === 1000, 3000, '1,000 silent sessions admitted');
  // The last free slot: a real client logs in and works at once.
  const started = performance.now();
  const { client } = await RawClient.connect(port);
  await client.login();
  assert.equal((await client.send('PWD')).code, 257);
  t.diagnostic(`login with 1,000 silent connections held: ${(performance.now() - started).toFixed(0)} ms`);
  // The server is full now...
  assert.equal((await RawClient.connect(port)).banner.code, 421);
  // ...until the silent ones hit the login timeout (421) and are dropped.
  const closedAll = sockets.map((s) => collect(s));
  const texts = await Promise.all(closedAll);
  assert.ok(texts.every((buf) => /^220 .*\r\n421 Login timeout/s.test(buf.toString())));
  await waitUntil(() => server.sessions.size === 1);
  const late = await RawClient.connect(port);
  assert.equal(late.banner.code, 220);
  await late.client.login();
  // The logged-in client was not timed out with them.
  assert.equal((await client.send('NOOP')).code, 200);
  client.close();
  late.client.close();
});

const BIG = 32 * 1024 * 1024;

test('the idle timeout pauses while a transfer runs, then applies again', async () => {
  const fs = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 7) } });
  const { port } = await start({ fs, idleTimeout: 400 });
  const { client } = await RawClient.connect(port);
  await client.login();
  await client.send('TYPE I');
  const data = await client.passive();
  data.pause(); // stall the download for longer than the idle timeout
  assert.equal((await client.send('RETR big.bin')).code, 150);
  await sleep(1000);
  assert.equal(client.closed, false);
  const received = collect(data);
  data.resume();
  assert.equal((await received).length, BIG);
  assert.equal((await client.read()).code, 226);
  // Idle again: the timer runs from the end of the transfer.
  const reply = await client.read(3000);
  assert.equal(reply.code, 421);
  assert.match(reply.text, /Idle timeout/);
});

test('a transfer that moves no data for dataIdleTimeout is aborted with 426', async () => {
  const fs = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 7) } });
  const { server, port } = await start({ fs, dataIdleTimeout: 500 });
  const ends: string[] = [];
  server.on('transfer-end', (e) => ends.push(e.result.status));
  const { client } = await RawClient.connect(port);
  await client.login();
  await client.send('TYPE I');
  const data = await client.passive();
  data.pause(); // never read: the download stalls on backpressure
  assert.equal((await client.send('RETR big.bin')).code, 150);
  assert.equal((await client.read(5000)).code, 426);
  assert.deepEqual(ends, ['aborted']);
  assert.equal((await client.send('NOOP')).code, 200);
  client.close();
  data.destroy();
});

test('a data connection that is never made ends the transfer with 425', async () => {
  const fs = new MemoryFileSystem({ files: { '/a.txt': 'hello' } });
  const { server, port } = await start({ fs, dataConnectTimeout: 300 });
  const ends: string[] = [];
  server.on('transfer-end', (e) => ends.push(e.result.status));
  const { client } = await RawClient.connect(port);
  await client.login();
  assert.equal((await client.send('EPSV')).code, 229);
  assert.equal((await client.send('RETR a.txt')).code, 150);
  assert.equal((await client.read()).code, 425);
  assert.deepEqual(ends, ['failed']);
  assert.equal((await client.send('NOOP')).code, 200);
  client.close();
});

test('ABOR while the server waits for the data connection answers at once', async () => {
  const fs = new MemoryFileSystem({ files: { '/a.txt': 'hello' } });
  const { port } = await start({ fs, dataConnectTimeout: 30_000 });
  const { client } = await RawClient.connect(port);
  await client.login();
  assert.equal((await client.send('EPSV')).code, 229);
  assert.equal((await client.send('RETR a.txt')).code, 150);
  const started = performance.now();
  client.write('ABOR\r\n');
  assert.equal((await client.read()).code, 426);
  assert.equal((await client.read()).code, 226);
  assert.ok(performance.now() - started < 5000);
  client.close();
});

test('an over-long command line gets 500 and the session goes on', async () => {
  const { port } = await start({ maxLineLength: 512 });
  const { client } = await RawClient.connect(port);
  client.write(`NOOP ${'x'.repeat(600)}\r\n`);
  assert.equal((await client.read()).code, 500);
  // A megabyte without a line end is discarded as it arrives, not buffered.
  client.write(Buffer.alloc(1024 * 1024, 0x41));
  client.write('\r\n');
  assert.equal((await client.read()).code, 500);
  await client.login();
  client.close();
});

test('commands sent during a stalled transfer are bounded: the server stops reading', async () => {
  const fs = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 1) } });
  const { server, port } = await start({ fs, maxQueuedCommands: 16 });
  const { client } = await RawClient.connect(port);
  await client.login();
  await client.send('TYPE I');
  const data = await client.passive();
  data.pause();
  assert.equal((await client.send('RETR big.bin')).code, 150);
  const flood = Buffer.from('MDTM /big.bin\r\n'.repeat(2_000_000)); // 30 MB of queued commands
  client.write(flood);
  await sleep(1500);
  const session = [...server.sessions][0]!;
  const read = session.socket.bytesRead;
  assert.ok(read < 8 * 1024 * 1024, `server read ${read} of ${flood.length} bytes`);
  assert.equal(session.socket.isPaused(), true);
  client.close();
  data.destroy();
  await waitUntil(() => server.sessions.size === 0);
});
