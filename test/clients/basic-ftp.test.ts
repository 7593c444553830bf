/** basic-ftp (the most used Node FTP client), in-process, in passive mode. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { readAll, writeAll } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';

describe('basic-ftp', () => {
  const t = useServer();
  let client: Client;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-basic-ftp-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => client?.close());

  async function connect(user = 'user', password = 'pass'): Promise<Client> {
    client = new Client(10_000);
    await client.access({ host: '127.0.0.1', port: t.port, user, password });
    return client;
  }

  async function downloadBuffer(remote: string, startAt?: number): Promise<Buffer> {
    const sink = new PassThrough();
    const collected = readAll(sink);
    await client.downloadTo(sink, remote, startAt);
    return collected;
  }

  it('uploads and downloads a 5 MiB random file byte for byte', async () => {
    await connect();
    const data = randomBytes(5 * 1024 * 1024);
    await writeFile(join(dir, 'big.bin'), data);
    await client.ensureDir('/bf/nested');
    await client.uploadFrom(join(dir, 'big.bin'), 'big.bin');
    assert.ok((await readAll(await t.fs.read('/bf/nested/big.bin'))).equals(data));
    await client.downloadTo(join(dir, 'big.down'), '/bf/nested/big.bin');
    assert.ok((await readFile(join(dir, 'big.down'))).equals(data));
    assert.equal(await client.size('/bf/nested/big.bin'), data.length);
    assert.equal(await client.pwd(), '/bf/nested');
  });

  it('resumes a download and appends to a file', async () => {
    await connect();
    await writeAll(t.fs, '/bf-resume.txt', '0123456789');
    assert.equal((await downloadBuffer('/bf-resume.txt', 4)).toString(), '456789');
    await client.appendFrom(Readable.from([Buffer.from('abc')]), '/bf-resume.txt');
    assert.equal((await downloadBuffer('/bf-resume.txt')).toString(), '0123456789abc');
  });

  it('lists a directory with names, sizes, types and dates (MLSD)', async () => {
    await connect();
    await t.fs.mkdir('/bf-list');
    await t.fs.mkdir('/bf-list/sub dir');
    await writeAll(t.fs, '/bf-list/ünï cødé.txt', 'hello');
    await writeAll(t.fs, '/bf-list/-dash "q"', 'x');
    const entries = await client.list('/bf-list');
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()].sort(), ['-dash "q"', 'sub dir', 'ünï cødé.txt']);
    assert.equal(byName.get('ünï cødé.txt')!.size, 5);
    assert.ok(byName.get('ünï cødé.txt')!.isFile);
    assert.ok(byName.get('sub dir')!.isDirectory);
    assert.ok(byName.get('ünï cødé.txt')!.modifiedAt instanceof Date);
    assert.ok(Math.abs(byName.get('ünï cødé.txt')!.modifiedAt!.getTime() - Date.now()) < 120_000);
  });

  it('lists with LIST when MLSD is not used', async () => {
    await connect();
    await t.fs.mkdir('/bf-ls');
    await writeAll(t.fs, '/bf-ls/a file.txt', '12345');
    client.availableListCommands = ['LIST -a', 'LIST'];
    const entries = await client.list('/bf-ls');
    assert.deepEqual(entries.map((e) => [e.name, e.size, e.isFile]), [['a file.txt', 5, true]]);
  });

  it('renames, removes files and removes a directory tree', async () => {
    await connect();
    await client.ensureDir('/bf-tree/a/b');
    await client.uploadFrom(Readable.from([Buffer.from('one')]), '/bf-tree/a/b/one.txt');
    await client.uploadFrom(Readable.from([Buffer.from('two')]), '/bf-tree/two.txt');
    await client.rename('/bf-tree/two.txt', '/bf-tree/a/renamed.txt');
    assert.equal((await readAll(await t.fs.read('/bf-tree/a/renamed.txt'))).toString(), 'two');
    await client.remove('/bf-tree/a/renamed.txt');
    await assert.rejects(t.fs.stat('/bf-tree/a/renamed.txt'));
    await client.removeDir('/bf-tree');
    await assert.rejects(t.fs.stat('/bf-tree'));
  });

  it('reports server errors as FTPError with the code', async () => {
    await connect();
    await assert.rejects(downloadBuffer('/no-such-file'), { code: 550 });
    await connect('reader', 'reader');
    await assert.rejects(client.uploadFrom(Readable.from([Buffer.from('x')]), '/ro.txt'), { code: 550 });
    await assert.rejects(connect('user', 'wrong'), { code: 530 });
  });
});
