/**
 * Listings of fs-local over the wire, with the @ftpkit/native addon and without it (the
 * `native: false` option): LIST, MLSD, NLST and STAT send byte for byte the same lines
 * for a tree of every kind of entry and more entries than one batch, with a raw client
 * and with curl. Under FTPKIT_NATIVE=0 both servers use the JavaScript listing.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { download } from '../support/data.js';
import { runOk, skipUnless } from '../support/process.js';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile, type TestServer } from '../support/server.js';

const ENTRIES = 2500;

describe('fs-local listings with and without the native addon', () => {
  const start = serversClosedAfterFile();
  let root = '';
  let outside = '';
  let native: TestServer;
  let js: TestServer;
  const clients: RawClient[] = [];

  before(async () => {
    outside = await mkdtemp(join(tmpdir(), 'ftpkit-listing-outside-'));
    root = await mkdtemp(join(tmpdir(), 'ftpkit-listing-'));
    await mkdir(join(root, 'big'));
    for (let i = 0; i < ENTRIES; i++) await writeFile(join(root, 'big', `entry ${i} ✓`), 'x'.repeat(i % 97));
    await mkdir(join(root, 'big', 'a dir'));
    await symlink(outside, join(root, 'big', 'to-outside'));
    await symlink('a dir', join(root, 'big', 'to-inside'));
    native = await start({ fs: new LocalFileSystem({ root }) });
    js = await start({ fs: new LocalFileSystem({ root, native: false }) });
  });
  after(async () => {
    for (const client of clients) client.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  async function login(server: TestServer): Promise<RawClient> {
    const { client } = await RawClient.connect(server.port);
    clients.push(client);
    await client.login();
    return client;
  }

  for (const command of ['LIST /big', 'LIST -la /big', 'MLSD /big', 'NLST /big']) {
    it(`${command}: the same bytes`, async () => {
      const [withAddon, without] = await Promise.all([native, js].map(async (server) => download(await login(server), command)));
      const lines = withAddon!.toString().split('\r\n').filter(Boolean);
      assert.equal(lines.length, ENTRIES + 3);
      assert.ok(withAddon!.equals(without!), 'identical listings');
      if (command.startsWith('LIST')) {
        assert.ok(lines.some((l) => l.endsWith(' to-inside -> /big/a dir')));
        assert.ok(lines.some((l) => l.endsWith(' to-outside')) && !withAddon!.toString().includes(outside), 'no host path');
      }
    });
  }

  it('STAT of a directory: the same lines over the control connection', async () => {
    const [withAddon, without] = await Promise.all([native, js].map(async (server) => (await login(server)).send('STAT /big')));
    assert.equal(withAddon!.code, 213);
    assert.equal(withAddon!.text, without!.text);
    assert.equal(withAddon!.text.split('\n').length, ENTRIES + 5);
  });

  it('curl lists the same directory from both', { skip: skipUnless('curl') }, async () => {
    const list = (server: TestServer) => runOk('curl', ['-sS', '--max-time', '30', '-u', 'user:pass', `ftp://127.0.0.1:${server.port}/big/`]);
    const [withAddon, without] = await Promise.all([list(native), list(js)]);
    assert.equal(withAddon.stdout, without.stdout);
    assert.equal(withAddon.stdout.split('\n').filter(Boolean).length, ENTRIES + 3);
  });
});
