// Large downloads from fs-local (multi-chunk reads or sendfile, not the small-file path):
// bytes in passive and active mode, REST offsets, TYPE A, and ABOR against a client that
// has stopped reading.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransferResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { canTransfer, transferStats } from '@ftpkit/native';
import { download, startTransfer } from '../support/data.js';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MiB = 1024 * 1024;

describe('large downloads from fs-local', () => {
  let root: string;
  let t: TestServer;
  const body = randomBytes(9 * MiB + 12345);
  const results: TransferResult[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ftpkit-download-'));
    await writeFile(join(root, 'body.bin'), body);
    await writeFile(join(root, 'big.bin'), Buffer.alloc(96 * MiB, 3));
    await writeFile(join(root, 'text.txt'), 'line\n'.repeat(100_000));
    t = await startTestServer({ fs: new LocalFileSystem({ root }) });
    t.server.on('transfer-end', ({ result }) => results.push(result));
  });
  after(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  async function login(): Promise<RawClient> {
    const { client } = await RawClient.connect(t.port);
    await client.login();
    await client.send('TYPE I');
    return client;
  }

  it('sends every byte, from the start and from a REST offset, passive and active', async () => {
    const client = await login();
    try {
      assert.ok((await download(client, 'RETR /body.bin')).equals(body));
      assert.ok((await download(client, 'RETR /body.bin', 'eprt')).equals(body));
      assert.equal((await client.send('REST 3000001')).code, 350);
      assert.ok((await download(client, 'RETR /body.bin')).equals(body.subarray(3000001)));
      assert.equal(results.at(-1)!.bytes, body.length - 3000001);
    } finally {
      client.close();
    }
  });

  it('converts line endings in TYPE A', async () => {
    const client = await login();
    try {
      await client.send('TYPE A');
      assert.equal((await download(client, 'RETR /text.txt')).toString(), 'line\r\n'.repeat(100_000));
    } finally {
      client.close();
    }
  });

  it('ABOR while the client has stopped reading: 426, then 226, and the session goes on', async () => {
    const client = await login();
    try {
      const sends = transferStats().sends;
      const { socket } = await startTransfer(client, 'RETR /big.bin');
      socket.pause();
      await sleep(200);
      // With the addon the transfer goes by sendfile (local-zero-copy.test.ts), and ABOR must stop that too.
      assert.equal(transferStats().sends - sends, canTransfer() ? 1 : 0);
      client.write('ABOR\r\n');
      assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
      socket.resume();
      await once(socket, 'close');
      assert.equal(results.at(-1)!.status, 'aborted');
      assert.ok(results.at(-1)!.bytes < 96 * MiB);
      assert.ok((await download(client, 'RETR /body.bin')).equals(body));
    } finally {
      client.close();
    }
  });
});
