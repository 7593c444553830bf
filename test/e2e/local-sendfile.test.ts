/**
 * Downloads from fs-local by sendfile(2) (@ftpkit/native): a plain RETR of a file over
 * 64 KiB goes into the data socket without passing through JavaScript, with the same
 * bytes as the stream (passive, active, REST, curl); a client that vanishes and the
 * data idle timeout end it with an honest 'aborted' outcome (ABOR against a client that
 * stopped reading is in local-download.test.ts, on the same kind of server); TYPE A, TLS,
 * a bandwidth limit and a transform hook keep the stream path. `sendFileStats()` tells which path a transfer took. Under
 * FTPKIT_NATIVE=0 every transfer must take the stream path, with the same bytes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { AuthError, limitFileSystem, TokenBucket, type TransferResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { canSendFile, sendFileStats } from '@ftpkit/native';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { download, startTransfer } from '../support/data.js';
import { runOk, skipUnless } from '../support/process.js';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile, type TestServer } from '../support/server.js';

const MiB = 1024 * 1024;
const disabled = process.env.FTPKIT_NATIVE === '0';
// Where the addon has sendfile (Linux, loaded), plain downloads must use it.
const direct = canSendFile();

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('fs-local downloads by sendfile', () => {
  const start = serversClosedAfterFile();
  let root = '';
  let certs: TestCerts | undefined;
  let t: TestServer;
  let plainJs: TestServer;
  const body = randomBytes(21 * MiB + 4321);
  const results: TransferResult[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ftpkit-sendfile-'));
    await writeFile(join(root, 'body.bin'), body);
    await writeFile(join(root, 'flip.bin'), body);
    await writeFile(join(root, 'big.bin'), Buffer.alloc(200 * MiB, 5));
    await writeFile(join(root, 'text.txt'), 'line\n'.repeat(50_000));
    const local = new LocalFileSystem({ root });
    const tls = hasOpenssl() ? ((certs = createTestCerts()), certs.issue('localhost', ['127.0.0.1'])) : undefined;
    t = await start({
      fs: local,
      dataIdleTimeout: 1500,
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
      authenticate: ({ username }) => {
        if (username === 'user') return { fs: local };
        if (username === 'slow') return { fs: limitFileSystem(local, { download: [new TokenBucket({ bytesPerSecond: 8 * MiB })] }) };
        throw new AuthError('Login incorrect.');
      },
    });
    // Flips every bit of /flip.bin on the way out, to prove the bytes pass through.
    t.server.addTransferHook({
      direction: 'download',
      transform: ({ path }) =>
        path === '/flip.bin' ? new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.map((b) => b ^ 0xff))) }) : undefined,
    });
    t.server.on('transfer-end', ({ result }) => results.push(result));
    plainJs = await start({ fs: new LocalFileSystem({ root, native: false }) });
  });
  after(async () => {
    certs?.remove();
    await rm(root, { recursive: true, force: true });
  });

  async function login(server: TestServer = t, user = 'user'): Promise<RawClient> {
    const { client } = await RawClient.connect(server.port);
    await client.login(user, 'pass');
    await client.send('TYPE I');
    return client;
  }

  /** Run `work` and return what it left in sendFileStats(): sends started and bytes. */
  async function counted(work: () => Promise<void>): Promise<{ started: number; bytes: number }> {
    const before = sendFileStats();
    await work();
    const now = sendFileStats();
    return { started: now.started - before.started, bytes: now.bytes - before.bytes };
  }

  it(disabled ? 'is off under FTPKIT_NATIVE=0' : 'is available with the addon loaded on Linux', { skip: !disabled && process.platform !== 'linux' }, () => {
    // Under CI the addon is built and loaded (packages/native/test), so this holds there.
    if (disabled) assert.equal(direct, false);
    else if (process.env.CI) assert.equal(direct, true);
  });

  it('sends the same bytes as the stream path: passive, active and from a REST offset', async () => {
    const client = await login();
    const js = await login(plainJs);
    try {
      const sent = await counted(async () => {
        assert.equal(sha256(await download(client, 'RETR /body.bin')), sha256(body));
        assert.equal(sha256(await download(client, 'RETR /body.bin', 'eprt')), sha256(body));
        assert.equal((await client.send('REST 5000003')).code, 350);
        assert.equal(sha256(await download(client, 'RETR /body.bin')), sha256(body.subarray(5000003)));
        assert.equal(results.at(-1)!.bytes, body.length - 5000003);
        assert.equal(results.at(-1)!.status, 'completed');
      });
      assert.deepEqual(sent, direct ? { started: 3, bytes: 3 * body.length - 5000003 } : { started: 0, bytes: 0 });
      const streamed = await counted(async () => {
        assert.equal(sha256(await download(js, 'RETR /body.bin')), sha256(body));
      });
      assert.deepEqual(streamed, { started: 0, bytes: 0 }, 'native: false streams');
    } finally {
      client.close();
      js.close();
    }
  });

  it('curl downloads the same bytes', { skip: skipUnless('curl') }, async () => {
    const out = join(root, 'curl-out.bin');
    const sent = await counted(async () => {
      await runOk('curl', ['-sS', '--fail', '-o', out, `ftp://user:pass@127.0.0.1:${t.port}/body.bin`]);
    });
    assert.equal(sha256(await readFile(out)), sha256(body));
    assert.equal(sent.started, direct ? 1 : 0);
  });

  it('a client that vanishes mid-download: the transfer ends aborted, and the server goes on', async () => {
    const client = await login();
    const ended = new Promise<TransferResult>((resolve) => t.server.once('transfer-end', ({ result }) => resolve(result)));
    const { socket } = await startTransfer(client, 'RETR /big.bin');
    socket.once('data', () => {
      socket.destroy();
      client.socket.destroy();
    });
    const result = await ended;
    assert.equal(result.status, 'aborted');
    assert.ok(result.bytes < 200 * MiB);
    const next = await login();
    assert.equal(sha256(await download(next, 'RETR /body.bin')), sha256(body));
    next.close();
  });

  it('a client that stops reading for dataIdleTimeout gets 426', async () => {
    const client = await login();
    try {
      const { socket } = await startTransfer(client, 'RETR /big.bin');
      socket.pause();
      const reply = await client.read(8000);
      assert.equal(reply.code, 426, reply.text);
      assert.equal(results.at(-1)!.status, 'aborted');
      socket.destroy();
    } finally {
      client.close();
    }
  });

  it('keeps the stream where bytes must pass through JavaScript: TYPE A, a bandwidth limit, a transform hook', async () => {
    const sent = await counted(async () => {
      const ascii = await login();
      await ascii.send('TYPE A');
      assert.equal((await download(ascii, 'RETR /text.txt')).toString(), 'line\r\n'.repeat(50_000));
      ascii.close();

      const slow = await login(t, 'slow');
      const began = performance.now();
      assert.equal(sha256(await download(slow, 'RETR /body.bin')), sha256(body));
      const seconds = (performance.now() - began) / 1000;
      // 21 MiB at 8 MiB/s: at least 2.6 s, whatever the burst.
      assert.ok(seconds > 2.3, `the limited download took ${seconds.toFixed(2)} s`);
      slow.close();

      const flip = await login();
      assert.equal(sha256(await download(flip, 'RETR /flip.bin')), sha256(Buffer.from(body.map((b) => b ^ 0xff))));
      flip.close();
    });
    assert.deepEqual(sent, { started: 0, bytes: 0 });
  });

  it('keeps the stream over TLS (PROT P)', { skip: hasOpenssl() ? false : 'openssl not installed' }, async () => {
    const client = new Client(20_000);
    const out = join(root, 'tls-out.bin');
    try {
      const sent = await counted(async () => {
        await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass', secure: true, secureOptions: { rejectUnauthorized: false } });
        await client.downloadTo(out, '/body.bin');
      });
      assert.deepEqual(sent, { started: 0, bytes: 0 });
      assert.equal(sha256(await readFile(out)), sha256(body));
    } finally {
      client.close();
    }
  });
});
