/** Graceful shutdown: close({ timeout }) lets transfers finish until the deadline, then aborts them. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { TransferResult } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { RawClient, collect } from '../support/raw-client.js';
import { startTestServer } from '../support/server.js';

const BIG = 32 * 1024 * 1024;

async function stalledDownload() {
  const fs = new MemoryFileSystem({ files: { '/big.bin': Buffer.alloc(BIG, 3) } });
  const started = await startTestServer({ fs });
  const results: TransferResult[] = [];
  started.server.on('transfer-end', (e) => results.push(e.result));
  const { client } = await RawClient.connect(started.port);
  await client.login();
  await client.send('TYPE I');
  const data = await client.passive();
  data.pause();
  assert.equal((await client.send('RETR big.bin')).code, 150);
  const { client: idle } = await RawClient.connect(started.port);
  return { ...started, client, data, idle, results };
}

function refusedConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

test('a transfer that finishes before the deadline gets 226, then 421', async () => {
  const { server, port, client, data, idle, results } = await stalledDownload();
  const controlClosed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
  const closing = server.close({ timeout: 10_000 });
  // Idle sessions are told at once; new connections are refused.
  assert.equal((await idle.read()).code, 421);
  assert.equal(await refusedConnect(port), 'ECONNREFUSED');
  const received = collect(data);
  data.resume();
  assert.equal((await received).length, BIG);
  assert.equal((await client.read()).code, 226);
  assert.equal((await client.read()).code, 421);
  await Promise.all([closing, controlClosed]);
  assert.deepEqual(results.map((r) => r.status), ['completed']);
  assert.equal(server.sessions.size, 0);
});

test('a transfer still running at the deadline is aborted with 421 and every socket closes', async () => {
  const { server, client, data, idle, results } = await stalledDownload();
  const dataClosed = new Promise<void>((resolve) => data.once('close', () => resolve()));
  const controlClosed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
  const started = performance.now();
  await server.close({ timeout: 300 });
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 290 && elapsed < 4000, `close took ${elapsed.toFixed(0)} ms`);
  assert.equal((await idle.read()).code, 421);
  const reply = await client.read();
  assert.equal(reply.code, 421);
  assert.match(reply.text, /shutting down/);
  data.resume();
  await Promise.all([dataClosed, controlClosed]);
  assert.deepEqual(results.map((r) => r.status), ['aborted']);
  assert.equal(server.sessions.size, 0);
});
