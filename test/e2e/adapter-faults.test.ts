/**
 * Adapter and hook faults are answered the same way by every verb and never lost:
 * CWD answers an adapter fault like other verbs do, fs.close() waits for an aborted
 * upload's own cleanup, a throwing `after` hook fails the upload and removes it, and an
 * 'error' with nobody listening reaches the console.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsError, type FileSystem } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { startTransfer, tryUpload } from '../support/data.js';
import { useServer } from '../support/fixture.js';
import { RawClient } from '../support/raw-client.js';

describe('CWD answers adapter faults like every other verb', () => {
  const inner = new MemoryFileSystem({ files: { '/dir/a.txt': 'a' } });
  const fs: FileSystem = Object.assign(Object.create(inner) as FileSystem, {
    stat: async (path: string) => {
      if (path === '/raw-fault') throw new Error('database connection lost');
      if (path === '/busy') throw new FsError('Unavailable', 'Backend busy, try again');
      return inner.stat(path);
    },
  });
  const t = useServer({ fs });

  it('a raw adapter error: 451 and an error event, as SIZE answers it', async () => {
    const errors: Error[] = [];
    t.server.server.on('error', (err) => errors.push(err));
    const client = await t.connect();
    assert.equal((await client.send('CWD /raw-fault')).code, 451);
    assert.equal((await client.send('SIZE /raw-fault')).code, 451);
    assert.deepEqual(errors.map((e) => e.message), ['database connection lost', 'database connection lost']);
  });

  it("an FsError keeps its own reply (Unavailable → 450); a missing directory is still 550", async () => {
    const client = await t.connect();
    assert.equal((await client.send('CWD /busy')).code, 450);
    assert.equal((await client.send('CWD /nowhere')).code, 550);
    assert.equal((await client.send('CWD /dir/a.txt')).code, 550);
    assert.equal((await client.send('CWD /dir')).code, 250);
  });
});

describe('fs.close() after an aborted upload', () => {
  const events: string[] = [];
  /** Every session gets a file system whose upload takes 300 ms to clean up after an abort. */
  const slowCleanupFs = (): FileSystem => {
    const inner = new MemoryFileSystem();
    return Object.assign(Object.create(inner) as FileSystem, {
      write: async () =>
        new Writable({
          write: (_chunk, _enc, done) => done(),
          destroy: (err, done) => {
            events.push('cleanup started');
            setTimeout(() => {
              events.push('cleanup finished');
              done(err);
            }, 300);
          },
        }),
      close: async () => void events.push('fs closed'),
    });
  };
  const t = useServer({ authenticate: () => ({ fs: slowCleanupFs(), ownsFileSystem: true }) });

  it('waits for the adapter to finish cleaning up when the client vanishes mid-upload', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    const { socket } = await startTransfer(client, 'STOR /big.bin');
    socket.write(Buffer.alloc(64 * 1024));
    await sleep(50);
    socket.destroy();
    client.close();
    for (let i = 0; i < 100 && !events.includes('fs closed'); i++) await sleep(20);
    assert.deepEqual(events, ['cleanup started', 'cleanup finished', 'fs closed']);
  });
});

describe('an after hook that throws on a completed upload', () => {
  const fs = new MemoryFileSystem({ files: { '/kept.txt': 'old' } });
  const t = useServer({ fs });

  it('fails the upload (451, error event) and removes the file it was not able to process', async () => {
    const errors: Error[] = [];
    t.server.server.on('error', (err) => errors.push(err));
    t.server.server.addTransferHook({
      direction: 'upload',
      after: ({ path, outcome }) => {
        if (outcome.status === 'completed' && path === '/scanned.txt') throw new Error('virus scanner unreachable');
      },
    });
    const client = await t.connect();
    const { final } = await tryUpload(client, 'STOR /scanned.txt', 'payload');
    assert.equal(final.code, 451);
    assert.deepEqual(errors.map((e) => e.message), ['virus scanner unreachable']);
    await assert.rejects(fs.stat('/scanned.txt'), (err: unknown) => err instanceof FsError && err.code === 'NotFound');
    assert.equal((await client.send('SIZE /scanned.txt')).code, 550);
  });
});

describe("an 'error' nobody listens for", () => {
  it('is written to the console once per kind, never lost', async () => {
    // A server process of its own: its console output is what is asserted.
    const program = `
      import { FtpServer } from '@ftpkit/core';
      import { MemoryFileSystem } from '@ftpkit/fs-memory';
      const inner = new MemoryFileSystem();
      const fs = Object.assign(Object.create(inner), { stat: async () => { throw new TypeError('adapter bug ' + Math.random()); } });
      const server = new FtpServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ fs }) });
      const { port } = await server.listen();
      console.log('PORT ' + port);
      process.stdin.on('end', () => server.close({ timeout: 100 }));
      process.stdin.resume();
    `;
    const child = spawn(process.execPath, ['--conditions=@ftpkit/source', '--import', 'tsx', '--input-type=module', '-e', program], {
      cwd: import.meta.dirname,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    try {
      // Starting tsx in a child takes seconds on a loaded machine.
      for (let i = 0; i < 1500 && !/PORT \d+/.test(stdout) && child.exitCode === null; i++) await sleep(20);
      const port = Number(/PORT (\d+)/.exec(stdout)?.[1]);
      assert.ok(port > 0, `server did not start: ${stderr}`);
      const { client } = await RawClient.connect(port);
      await client.login('any', 'thing');
      assert.equal((await client.send('SIZE /a')).code, 451);
      assert.equal((await client.send('SIZE /b')).code, 451);
      client.close();
      await sleep(100);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
    const shown = stderr.match(/TypeError: adapter bug/g) ?? [];
    assert.equal(shown.length, 1, stderr);
    assert.match(stderr, /listen for 'error' or pass a logger/);
  });
});
