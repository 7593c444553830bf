/** Typed events over the wire, and listeners that throw without breaking a session. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { TransferEvent, TransferResult } from '@ftpkit/core';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('events', () => {
  let t: TestServer;
  const log: string[] = [];
  const errors: Error[] = [];
  const progress: TransferEvent[] = [];
  const ends: (TransferEvent & { result: TransferResult })[] = [];

  before(async () => {
    t = await startTestServer();
    t.server
      .on('connect', (s) => log.push(`connect ${s.remoteAddress}`))
      .on('login', (s) => log.push(`login ${s.user!.username}`))
      .on('login-failed', ({ username, reason }) => log.push(`login-failed ${username} ${reason}`))
      .on('command', ({ verb, arg }) => log.push(`command ${verb} ${arg}`))
      .on('transfer-start', ({ command, path }) => log.push(`transfer-start ${command} ${path}`))
      .on('transfer-progress', (e) => progress.push(e))
      .on('transfer-end', (e) => {
        ends.push(e);
        log.push(`transfer-end ${e.result.status} ${e.result.bytes}`);
      })
      .on('disconnect', (s) => log.push(`disconnect ${s.user?.username}`))
      .on('error', (err) => errors.push(err));
  });
  after(() => t.close());

  it('reports a session from connect to disconnect, with PASS masked', async () => {
    log.length = 0;
    const { client } = await RawClient.connect(t.port);
    await client.send('USER user');
    await client.send('PASS wrong');
    await client.login();
    await client.send('TYPE I');
    const data = await client.passive();
    await client.send('STOR e.txt');
    data.end('12345');
    assert.equal((await client.read()).code, 226);
    await client.send('QUIT');
    await waitFor(() => log.includes('disconnect user'));
    assert.deepEqual(log, [
      'connect 127.0.0.1',
      'command USER user',
      'command PASS ****',
      'login-failed user Login incorrect.',
      'command USER user',
      'command PASS ****',
      'login user',
      'command TYPE I',
      'command EPSV ',
      'command STOR e.txt',
      'transfer-start STOR /e.txt',
      'transfer-end completed 5',
      'command QUIT ',
      'disconnect user',
    ]);
    assert.equal(ends.at(-1)!.result.path, '/e.txt');
    assert.equal(ends.at(-1)!.result.reply.code, 226);
  });

  it('throttles transfer-progress to about once a second', async () => {
    progress.length = 0;
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login();
      await client.send('TYPE I');
      const data = await client.passive();
      await client.send('STOR slow.bin');
      const started = Date.now();
      for (let i = 0; i < 14; i++) {
        data.write(Buffer.alloc(100, i));
        await delay(100);
      }
      data.end();
      assert.equal((await client.read()).code, 226);
      const elapsed = Date.now() - started;
      assert.ok(progress.length >= 1, 'at least one progress event');
      assert.ok(progress.length <= Math.floor(elapsed / 1000) + 1, `${progress.length} events in ${elapsed} ms`);
      assert.equal(progress[0]!.command, 'STOR');
      assert.ok(progress[0]!.bytes > 0 && progress[0]!.bytes < 1400);
    } finally {
      client.close();
    }
  });

  it('keeps serving when listeners throw or reject; each fault becomes an error event', async () => {
    errors.length = 0;
    const boom = () => {
      throw new Error('listener threw');
    };
    const asyncBoom = async () => {
      throw new Error('listener rejected');
    };
    t.server.on('command', boom).on('login', asyncBoom).on('transfer-end', boom);
    try {
      const { client } = await RawClient.connect(t.port);
      try {
        await client.login();
        const data = await client.passive();
        await client.send('STOR thrown.txt');
        data.end('still stored');
        assert.equal((await client.read()).code, 226);
        assert.equal((await client.send('NOOP')).code, 200);
        assert.equal((await client.send('PWD')).code, 257);
      } finally {
        client.close();
      }
      await waitFor(() => errors.some((e) => e.message === 'listener rejected'));
      assert.ok(errors.some((e) => e.message === 'listener threw'));
      assert.ok((await t.fs.stat('/thrown.txt')).size > 0);
    } finally {
      t.server.off('command', boom).off('login', asyncBoom).off('transfer-end', boom);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}
