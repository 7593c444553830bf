/** HASH limits: the size cap (556), the server-wide cap on digests computed at once (450), off switch, disconnects. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FileStat, FileSystem, ReadOptions } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';
import { runOk, skipUnless } from '../support/process.js';

/** A memory file system whose reads of `/slow.bin` stall until released, recording their signals. */
class GatedFileSystem extends MemoryFileSystem {
  readonly signals: AbortSignal[] = [];
  #release: (() => void) | undefined;
  #gate = new Promise<void>((resolve) => (this.#release = resolve));
  reading = 0;

  release(): void {
    this.#release?.();
  }

  /** Stall the reads that start from now on again. */
  block(): void {
    this.#gate = new Promise<void>((resolve) => (this.#release = resolve));
  }

  /** `/grows.bin` claims 10 bytes but has grown past the limit by the time it is read. */
  override async stat(path: string): Promise<FileStat> {
    const stat = await super.stat(path);
    return path === '/grows.bin' ? { ...stat, size: 10 } : stat;
  }

  override async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    if (path !== '/slow.bin') return super.read(path, options);
    this.reading++;
    if (options.signal) this.signals.push(options.signal);
    const gate = this.#gate;
    const open = () => super.read(path, options);
    return Readable.from(
      (async function* () {
        await gate;
        yield* await open();
      })(),
    );
  }
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached in 2 s');
};

describe('HASH limits', () => {
  const gated = new GatedFileSystem({ files: { '/slow.bin': 'slow', '/big.bin': Buffer.alloc(2048), '/grows.bin': Buffer.alloc(2048), '/small.txt': 'abc' } });
  const t = useServer({ fs: gated as FileSystem, hash: { maxSize: 1024, maxConcurrent: 1 } });

  it('a file above maxSize answers 556, also one that grew past it while read; a small one is hashed', async () => {
    const client = await t.connect();
    assert.equal((await client.send('HASH /big.bin')).code, 556);
    assert.equal((await client.send('HASH /grows.bin')).code, 556);
    assert.match((await client.send('HASH /small.txt')).text, /^213 SHA-256 0-3 ba7816bf/);
  });

  it('past maxConcurrent digests a HASH answers 450; a client that leaves stops its digest', async () => {
    const first = await t.connect();
    const pending = first.send('HASH /slow.bin');
    await until(() => gated.reading === 1);
    const second = await t.connect();
    assert.equal((await second.send('HASH /slow.bin')).code, 450);
    gated.release();
    assert.equal((await pending).text, `213 SHA-256 0-4 ${createHash('sha256').update('slow').digest('hex')} /slow.bin`);
    assert.match((await second.send('HASH /slow.bin')).text, /^213 /, 'the slot is free again');

    // A client that disconnects mid-digest: the read is aborted and its slot released.
    gated.block();
    const leaving = await t.connect();
    void leaving.send('HASH /slow.bin').catch(() => {});
    await until(() => gated.signals.length === 3);
    leaving.close();
    await until(() => gated.signals[2]!.aborted);
    gated.release();
    assert.match((await second.send('HASH /slow.bin')).text, /^213 /, 'the slot was released');
  });
});

describe('HASH switched off', () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/a.txt': 'a' } }), hash: { enabled: false } });

  it('is not in FEAT, HASH answers 502 and OPTS HASH 501', async () => {
    const client = await t.connect();
    assert.doesNotMatch((await client.send('FEAT')).text, /HASH/);
    assert.equal((await client.send('HASH /a.txt')).code, 502);
    assert.equal((await client.send('OPTS HASH')).code, 501);
  });
});

describe('HASH from Python ftplib', { skip: skipUnless('python3', ['-c', 'import ftplib']) }, () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/pub/data.bin': 'ftplib hash' } }) });

  it('sendcmd OPTS HASH and HASH give the digest Python computes', async () => {
    const script = [
      'import ftplib, hashlib, json, sys',
      'ftp = ftplib.FTP()',
      'ftp.connect("127.0.0.1", int(sys.argv[1]), timeout=20)',
      'ftp.login("user", "pass")',
      'opts = ftp.sendcmd("OPTS HASH MD5")',
      'reply = ftp.sendcmd("HASH /pub/data.bin")',
      'ftp.quit()',
      'print(json.dumps({"opts": opts, "reply": reply, "md5": hashlib.md5(b"ftplib hash").hexdigest()}))',
    ].join('\n');
    const { stdout } = await runOk('python3', ['-c', script, String(t.port)]);
    const out = JSON.parse(stdout) as { opts: string; reply: string; md5: string };
    assert.equal(out.opts, '200 MD5');
    assert.equal(out.reply, `213 MD5 0-11 ${out.md5} /pub/data.bin`);
  });
});
