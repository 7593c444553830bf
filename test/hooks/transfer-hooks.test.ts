/** Transfer hooks over the wire: veto, redirect, transforms, outcomes, rejection and quarantine. */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ReplyError, snapshotSession, type FinishedTransfer } from '@ftpkit/core';
import { collect, RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

async function readFile(t: TestServer, path: string): Promise<Buffer> {
  const stream = await t.fs.read(path);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function exists(t: TestServer, path: string): Promise<boolean> {
  return t.fs.stat(path).then(() => true, () => false);
}

/** Log in, switch to binary, and upload `data` with STOR; returns the 150 and final replies. */
async function store(port: number, name: string, data: Buffer): Promise<{ first: number; final: { code: number; text: string } }> {
  const { client } = await RawClient.connect(port);
  try {
    await client.login();
    await client.send('TYPE I');
    const socket = await client.passive();
    const first = await client.send(`STOR ${name}`);
    if (first.code !== 150) return { first: first.code, final: first };
    socket.end(data);
    return { first: first.code, final: await client.read() };
  } finally {
    client.close();
  }
}

async function retrieve(port: number, name: string): Promise<{ code: number; data: Buffer }> {
  const { client } = await RawClient.connect(port);
  try {
    await client.login();
    await client.send('TYPE I');
    const socket = await client.passive();
    const received = collect(socket);
    const first = await client.send(`RETR ${name}`);
    if (first.code !== 150) return { code: first.code, data: Buffer.alloc(0) };
    const data = await received;
    return { code: (await client.read()).code, data };
  } finally {
    client.close();
  }
}

describe('transfer hooks', () => {
  let t: TestServer;
  const finished: FinishedTransfer[] = [];
  let holdAfter: Promise<void> | undefined;

  before(async () => {
    t = await startTestServer();
    await t.fs.mkdir('/incoming');
    t.server.addTransferHook({
      direction: 'upload',
      before({ path }) {
        if (path.endsWith('.exe')) throw new ReplyError(553, 'Executables are not accepted.');
        if (path.startsWith('/drop/')) return { path: `/incoming/${path.slice('/drop/'.length)}` };
      },
      // Uppercases every upload under /shout, to prove the bytes pass through.
      transform: ({ path }) =>
        path.startsWith('/shout')
          ? new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.toString('latin1').toUpperCase(), 'latin1')) })
          : undefined,
      async after(transfer) {
        finished.push(transfer);
        await holdAfter;
        if (transfer.outcome.status === 'completed' && transfer.path.includes('virus')) return { reject: 'Infected file removed.', code: 550 };
      },
    });
    t.server.addTransferHook({
      direction: 'download',
      before({ path }) {
        if (path === '/secret.txt') throw new ReplyError(550, 'Not for you.');
        if (path === '/latest') return { path: '/data.txt' };
      },
      transform: () => new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.toString().replace(/o/g, '0'))) }),
    });
    await writeFixture(t, '/data.txt', 'hello world');
    await writeFixture(t, '/secret.txt', 'top secret');
  });
  after(() => t.close());

  it('vetoes an upload with the hook reply and stores nothing', async () => {
    const { first } = await store(t.port, 'setup.exe', Buffer.from('MZ'));
    assert.equal(first, 553);
    assert.equal(await exists(t, '/setup.exe'), false);
  });

  it('redirects an upload to another path', async () => {
    const { final } = await store(t.port, '/drop/report.csv', Buffer.from('a,b\n'));
    assert.equal(final.code, 226);
    assert.equal((await readFile(t, '/incoming/report.csv')).toString(), 'a,b\n');
    assert.equal(await exists(t, '/drop/report.csv'), false);
    const outcome = finished.at(-1)!;
    assert.equal(outcome.path, '/incoming/report.csv');
    assert.equal(outcome.outcome.status, 'completed');
    assert.equal(outcome.outcome.bytes, 4);
    assert.equal(outcome.outcome.path, '/incoming/report.csv');
    assert.ok(outcome.outcome.durationMs >= 0);
  });

  it('passes uploaded bytes through the hook transform before storing them', async () => {
    const { final } = await store(t.port, '/shout.txt', Buffer.from('quiet please'));
    assert.equal(final.code, 226);
    assert.equal((await readFile(t, '/shout.txt')).toString(), 'QUIET PLEASE');
  });

  it('vetoes and redirects downloads, and transforms their bytes', async () => {
    assert.equal((await retrieve(t.port, '/secret.txt')).code, 550);
    const got = await retrieve(t.port, '/latest');
    assert.equal(got.code, 226);
    assert.equal(got.data.toString(), 'hell0 w0rld');
  });

  it('rejects a finished upload: the file is removed and the client gets 550, never 226', async () => {
    let release!: () => void;
    holdAfter = new Promise((resolve) => (release = resolve));
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      await client.send('TYPE I');
      const socket = await client.passive();
      assert.equal((await client.send('STOR virus.bin')).code, 150);
      socket.end(Buffer.alloc(1000, 7));
      // While the after hook is undecided, no final reply may arrive.
      await assert.rejects(client.read(300), /timed out/);
      release();
      const final = await client.read();
      assert.equal(final.code, 550);
      assert.match(final.text, /Infected file removed/);
      assert.equal(await exists(t, '/virus.bin'), false);
      assert.equal(finished.at(-1)!.outcome.status, 'completed'); // what the hook saw
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      holdAfter = undefined;
      client.close();
    }
  });

  it("reports an upload whose client vanished as 'aborted' with the bytes received, and keeps no file", async () => {
    const ended = new Promise<FinishedTransfer>((resolve) => {
      t.server.addTransferHook({ after: (f) => (f.path === '/vanish.bin' ? resolve(f) : undefined) });
    });
    const { client } = await RawClient.connect(t.port);
    await client.login();
    await client.send('TYPE I');
    const data: Socket = await client.passive();
    assert.equal((await client.send('STOR vanish.bin')).code, 150);
    const sent = 200_000;
    data.write(Buffer.alloc(sent, 1));
    await waitFor(() => [...t.server.sessions].some((s) => snapshotSession(s).transfer?.bytes === sent));
    client.socket.destroy();
    data.destroy();
    const f = await ended;
    assert.equal(f.outcome.status, 'aborted');
    assert.equal(f.outcome.bytes, sent);
    assert.equal(await exists(t, '/vanish.bin'), false);
    // The server still serves.
    assert.equal((await store(t.port, 'after.txt', Buffer.from('ok'))).final.code, 226);
  });
});

async function writeFixture(t: TestServer, path: string, text: string): Promise<void> {
  const sink = await t.fs.write(path);
  await new Promise<void>((resolve, reject) => sink.end(Buffer.from(text), () => resolve()).once('error', reject));
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

