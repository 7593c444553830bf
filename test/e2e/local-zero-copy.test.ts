/**
 * fs-local's zero-copy transfers (@ftpkit/native): a plain RETR of a file over 64 KiB
 * goes into the data socket by sendfile(2), and a plain STOR comes from it by splice(2),
 * without passing through JavaScript, with the same bytes and files as the streams
 * (passive, active, REST, the atomic and in-place policies, curl); a client that
 * vanishes, ABOR and the data idle timeout end them with honest outcomes and leave the
 * previous file; TYPE A, TLS, a bandwidth or size limit, a transform hook and APPE keep
 * the stream path. `transferStats()` tells which path a transfer took. (ABOR of a
 * download against a client that stopped reading is in local-download.test.ts, on the
 * same kind of server.) Under FTPKIT_NATIVE=0 every transfer takes the stream path, with
 * the same bytes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'basic-ftp';
import { AuthError, limitFileSystem, TokenBucket, type TransferResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { canTransfer, transferStats, type TransferStats } from '@ftpkit/native';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { download, startTransfer, upload } from '../support/data.js';
import { runOk, skipUnless } from '../support/process.js';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile, type TestServer } from '../support/server.js';

const MiB = 1024 * 1024;
const disabled = process.env.FTPKIT_NATIVE === '0';
// Where the addon is loaded on Linux, plain transfers must take the zero-copy path.
const direct = canTransfer();
const NONE: TransferStats = { sends: 0, sentBytes: 0, receives: 0, receivedBytes: 0 };

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What `work` left in transferStats(). */
async function counted(work: () => Promise<void>): Promise<TransferStats> {
  const before = transferStats();
  await work();
  const now = transferStats();
  return {
    sends: now.sends - before.sends,
    sentBytes: now.sentBytes - before.sentBytes,
    receives: now.receives - before.receives,
    receivedBytes: now.receivedBytes - before.receivedBytes,
  };
}

/** The stats expected of `sends` downloads and `receives` uploads moving `bytes` each way, on this machine. */
function expected(sends: number, sentBytes: number, receives: number, receivedBytes: number): TransferStats {
  return direct ? { sends, sentBytes, receives, receivedBytes } : NONE;
}

describe('fs-local zero-copy transfers', () => {
  const start = serversClosedAfterFile();
  let root = '';
  let certs: TestCerts | undefined;
  let t: TestServer;
  let plainJs: TestServer;
  const body = randomBytes(21 * MiB + 4321);
  const results: TransferResult[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ftpkit-zero-copy-'));
    await writeFile(join(root, 'body.bin'), body);
    await writeFile(join(root, 'flip.bin'), body);
    await writeFile(join(root, 'big.bin'), Buffer.alloc(200 * MiB, 5));
    await writeFile(join(root, 'text.txt'), 'line\n'.repeat(50_000));
    const atomic = new LocalFileSystem({ root });
    const inPlace = new LocalFileSystem({ root, uploadPolicy: 'in-place' });
    const tls = hasOpenssl() ? ((certs = createTestCerts()), certs.issue('localhost', ['127.0.0.1'])) : undefined;
    t = await start({
      fs: atomic,
      dataIdleTimeout: 1500,
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
      authenticate: ({ username }) => {
        if (username === 'user') return { fs: atomic };
        if (username === 'inplace') return { fs: inPlace };
        if (username === 'slow') {
          const limit = [new TokenBucket({ bytesPerSecond: 8 * MiB })];
          return { fs: limitFileSystem(atomic, { download: limit, upload: [new TokenBucket({ bytesPerSecond: 8 * MiB })] }) };
        }
        if (username === 'capped') return { fs: limitFileSystem(atomic, { maxFileSize: 3 * MiB }) };
        throw new AuthError('Login incorrect.');
      },
    });
    // Flips every bit of /flip.bin on the way, to prove the bytes pass through.
    const flip = () => new Transform({ transform: (chunk: Buffer, _e, done) => done(null, Buffer.from(chunk.map((b) => b ^ 0xff))) });
    t.server.addTransferHook({ direction: 'download', transform: ({ path }) => (path === '/flip.bin' ? flip() : undefined) });
    t.server.addTransferHook({ direction: 'upload', transform: ({ path }) => (path === '/up-flip.bin' ? flip() : undefined) });
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

  /** Names in the root that are not the fixtures or `keep`: leftovers of an upload. */
  async function leftovers(...keep: string[]): Promise<string[]> {
    const fixtures = ['body.bin', 'flip.bin', 'big.bin', 'text.txt', ...keep];
    return (await readdir(root)).filter((name) => !fixtures.includes(name));
  }

  // Under CI on Linux the addon is built and must load (packages/native/test); elsewhere a missing build skips.
  const unavailable = !disabled && !process.env.CI && !direct ? '@ftpkit/native is not loaded here' : false;
  it(disabled ? 'is off under FTPKIT_NATIVE=0' : 'is available with the addon loaded on Linux', { skip: process.platform === 'linux' ? unavailable : 'Linux only' }, () => {
    assert.equal(direct, !disabled);
  });

  describe('downloads by sendfile', () => {
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
        assert.deepEqual(sent, expected(3, 3 * body.length - 5000003, 0, 0));
        const streamed = await counted(async () => {
          assert.equal(sha256(await download(js, 'RETR /body.bin')), sha256(body));
        });
        assert.deepEqual(streamed, NONE, 'native: false streams');
      } finally {
        client.close();
        js.close();
      }
    });

    it('curl downloads the same bytes', { skip: skipUnless('curl') }, async () => {
      const out = join(tmpdir(), `ftpkit-zero-copy-curl-${process.pid}.bin`);
      try {
        const sent = await counted(() => runOk('curl', ['-sS', '--fail', '-o', out, `ftp://user:pass@127.0.0.1:${t.port}/body.bin`]).then(() => undefined));
        assert.equal(sha256(await readFile(out)), sha256(body));
        assert.equal(sent.sends, direct ? 1 : 0);
      } finally {
        await rm(out, { force: true });
      }
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
  });

  describe('uploads by splice', () => {
    it('stores the same bytes as the stream path: atomic and in place, passive and active, and from a REST offset', async () => {
      const received = await counted(async () => {
        const client = await login();
        await upload(client, 'STOR /up-atomic.bin', body);
        assert.equal(sha256(await readFile(join(root, 'up-atomic.bin'))), sha256(body));
        await upload(client, 'STOR /up-atomic.bin', body.subarray(0, 3 * MiB), 'eprt');
        assert.equal(sha256(await readFile(join(root, 'up-atomic.bin'))), sha256(body.subarray(0, 3 * MiB)));
        assert.equal(results.at(-1)!.bytes, 3 * MiB);
        client.close();

        const inPlace = await login(t, 'inplace');
        await upload(inPlace, 'STOR /up-inplace.bin', body.subarray(0, 4 * MiB));
        assert.equal((await inPlace.send('REST 1000000')).code, 350);
        await upload(inPlace, 'STOR /up-inplace.bin', body.subarray(1000000));
        assert.equal(sha256(await readFile(join(root, 'up-inplace.bin'))), sha256(body));
        inPlace.close();
      });
      // The EPRT upload may come through the stream: the server connects out, and the client's bytes can arrive first.
      assert.ok(received.receives >= (direct ? 3 : 0), `receives: ${received.receives}`);
      if (!direct) assert.deepEqual(received, NONE);
      assert.deepEqual(await leftovers('up-atomic.bin', 'up-inplace.bin'), []);

      const js = await login(plainJs);
      const streamed = await counted(async () => {
        await upload(js, 'STOR /up-js.bin', body);
      });
      js.close();
      assert.deepEqual(streamed, NONE, 'native: false streams');
      assert.equal(sha256(await readFile(join(root, 'up-js.bin'))), sha256(body));
      await rm(join(root, 'up-js.bin'));
      await rm(join(root, 'up-atomic.bin'));
      await rm(join(root, 'up-inplace.bin'));
    });

    it('curl uploads the same bytes', { skip: skipUnless('curl') }, async () => {
      const source = join(tmpdir(), `ftpkit-zero-copy-up-${process.pid}.bin`);
      await writeFile(source, body);
      try {
        const received = await counted(() => runOk('curl', ['-sS', '--fail', '-T', source, `ftp://user:pass@127.0.0.1:${t.port}/up-curl.bin`]).then(() => undefined));
        assert.deepEqual(received, expected(0, 0, 1, body.length));
        assert.equal(sha256(await readFile(join(root, 'up-curl.bin'))), sha256(body));
      } finally {
        await rm(source, { force: true });
        await rm(join(root, 'up-curl.bin'), { force: true });
      }
    });

    it('ABOR while the client sends nothing: 426, then 226, and the previous file stays whole', async () => {
      await writeFile(join(root, 'kept.bin'), 'previous');
      const client = await login();
      try {
        const { socket } = await startTransfer(client, 'STOR /kept.bin');
        socket.write(body.subarray(0, MiB));
        await sleep(300);
        client.write('ABOR\r\n');
        assert.deepEqual([(await client.read()).code, (await client.read()).code], [426, 226]);
        socket.destroy();
        assert.equal(results.at(-1)!.status, 'aborted');
        assert.equal(await readFile(join(root, 'kept.bin'), 'utf8'), 'previous');
        assert.deepEqual(await leftovers('kept.bin'), []);
        await upload(client, 'STOR /kept.bin', 'next');
        assert.equal(await readFile(join(root, 'kept.bin'), 'utf8'), 'next');
      } finally {
        client.close();
        await rm(join(root, 'kept.bin'), { force: true });
      }
    });

    it('a client that vanishes mid-upload: aborted, nothing committed, no temporary file left', async () => {
      await writeFile(join(root, 'kept.bin'), 'previous');
      const client = await login();
      const ended = new Promise<TransferResult>((resolve) => t.server.once('transfer-end', ({ result }) => resolve(result)));
      const { socket } = await startTransfer(client, 'STOR /kept.bin');
      socket.write(body.subarray(0, 2 * MiB), () => {
        // A killed client: both connections close at once, the data one cleanly.
        socket.end();
        client.socket.destroy();
      });
      const result = await ended;
      assert.equal(result.status, 'aborted');
      assert.equal(await readFile(join(root, 'kept.bin'), 'utf8'), 'previous');
      assert.deepEqual(await leftovers('kept.bin'), []);
      await rm(join(root, 'kept.bin'), { force: true });
    });

    it('a client that stops sending for dataIdleTimeout gets 426, and no file is left', async () => {
      const client = await login();
      try {
        const { socket } = await startTransfer(client, 'STOR /stalled.bin');
        socket.write(body.subarray(0, MiB));
        const reply = await client.read(8000);
        assert.equal(reply.code, 426, reply.text);
        assert.equal(results.at(-1)!.status, 'aborted');
        socket.destroy();
        assert.equal(existsSync(join(root, 'stalled.bin')), false);
        assert.deepEqual(await leftovers(), []);
      } finally {
        client.close();
      }
    });
  });

  it('keeps the streams where bytes must pass through JavaScript: TYPE A, limits, transform hooks, APPE', async () => {
    const moved = await counted(async () => {
      const ascii = await login();
      await ascii.send('TYPE A');
      assert.equal((await download(ascii, 'RETR /text.txt')).toString(), 'line\r\n'.repeat(50_000));
      await upload(ascii, 'STOR /up-text.txt', 'a\r\nb\r\n'.repeat(100_000));
      assert.equal(await readFile(join(root, 'up-text.txt'), 'utf8'), 'a\nb\n'.repeat(100_000));
      ascii.close();

      const slow = await login(t, 'slow');
      const began = performance.now();
      assert.equal(sha256(await download(slow, 'RETR /body.bin')), sha256(body));
      await upload(slow, 'STOR /up-slow.bin', body);
      const seconds = (performance.now() - began) / 1000;
      // 2 × 21 MiB at 8 MiB/s: at least 5 s, whatever the bursts.
      assert.ok(seconds > 4.6, `the limited transfers took ${seconds.toFixed(2)} s`);
      slow.close();

      const capped = await login(t, 'capped');
      const refused = await upload(capped, 'STOR /up-capped.bin', body).catch((err: Error) => err);
      assert.ok(refused instanceof Error && /552/.test(refused.message), String(refused));
      capped.close();

      const client = await login();
      assert.equal(sha256(await download(client, 'RETR /flip.bin')), sha256(Buffer.from(body.map((b) => b ^ 0xff))));
      await upload(client, 'STOR /up-flip.bin', body);
      assert.equal(sha256(await readFile(join(root, 'up-flip.bin'))), sha256(Buffer.from(body.map((b) => b ^ 0xff))));
      await upload(client, 'APPE /up-flip.bin', body.subarray(0, MiB));
      assert.equal((await readFile(join(root, 'up-flip.bin'))).length, body.length + MiB);
      client.close();
    });
    assert.deepEqual(moved, NONE);
    for (const name of ['up-text.txt', 'up-slow.bin', 'up-capped.bin', 'up-flip.bin']) await rm(join(root, name), { force: true });
  });

  it('keeps the streams over TLS (PROT P)', { skip: hasOpenssl() ? false : 'openssl not installed' }, async () => {
    const client = new Client(20_000);
    const out = join(tmpdir(), `ftpkit-zero-copy-tls-${process.pid}.bin`);
    try {
      const moved = await counted(async () => {
        await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass', secure: true, secureOptions: { rejectUnauthorized: false } });
        await client.downloadTo(out, '/body.bin');
        await client.uploadFrom(out, '/up-tls.bin');
      });
      assert.deepEqual(moved, NONE);
      assert.equal(sha256(await readFile(out)), sha256(body));
      assert.equal(sha256(await readFile(join(root, 'up-tls.bin'))), sha256(body));
    } finally {
      client.close();
      await rm(out, { force: true });
      await rm(join(root, 'up-tls.bin'), { force: true });
    }
  });
});
