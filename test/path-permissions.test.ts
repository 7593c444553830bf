import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthError, FULL_ACCESS, pathPermissions, PathRules, READ_ONLY, WRITE_ONLY, type PathPolicy } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { tryDownload, tryUpload } from './support/data.js';
import { RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('per-directory permissions over the wire', () => {
  let server: TestServer;
  let client: RawClient;
  const fs = new MemoryFileSystem({
    files: {
      '/incoming/secret.txt': 'dropped earlier',
      '/outgoing/report.txt': 'for partners',
      '/outgoing/drop': null,
      '/public/readme.txt': 'hello',
    },
  });
  const policy: PathPolicy = {
    base: FULL_ACCESS,
    rules: new PathRules([
      { path: '/incoming', permissions: WRITE_ONLY },
      { path: '/outgoing', permissions: READ_ONLY },
      { path: '/outgoing/drop', permissions: { write: true } },
      { path: '/**/*.exe', permissions: { write: false, read: false } },
    ]),
  };

  before(async () => {
    server = await startTestServer({
      fs,
      authenticate: ({ username }) => {
        if (username !== 'partner') throw new AuthError('Login incorrect.');
        return { fs, permissions: policy.rules.ceiling(policy.base), data: { policy } };
      },
    });
    server.server.use(pathPermissions((session) => session.user?.data.policy as PathPolicy | undefined));
    ({ client } = await RawClient.connect(server.port));
    await client.login('partner', 'x');
  });

  after(async () => {
    client.close();
    await server.close();
  });

  async function list(command: string, path: string): Promise<{ code: number; text: string }> {
    const { final, data } = await tryDownload(client, `${command} ${path}`);
    return { code: final.code, text: data.toString() };
  }

  it('lets a write-only directory take uploads but never be listed or read', async () => {
    assert.equal((await tryUpload(client, 'STOR /incoming/new.txt', Buffer.from('data'))).final.code, 226);
    assert.equal((await fs.stat('/incoming/new.txt')).size, 4);
    assert.equal((await list('LIST', '/incoming')).code, 550);
    assert.equal((await list('NLST', '/incoming')).code, 550);
    assert.equal((await list('MLSD', '/incoming')).code, 550);
    assert.equal((await client.send('MLST /incoming/secret.txt')).code, 550);
    assert.equal((await client.send('SIZE /incoming/secret.txt')).code, 550);
    assert.equal((await client.send('STAT /incoming')).code, 550);
    const read = await tryDownload(client, 'RETR /incoming/secret.txt');
    assert.equal(read.preliminary.code, 550);
    assert.equal(read.data.length, 0);
    assert.equal((await client.send('DELE /incoming/secret.txt')).code, 550);
  });

  it('lets a client enter a write-only directory and upload with relative names', async () => {
    assert.equal((await client.send('CWD /incoming')).code, 250);
    assert.equal((await list('LIST', '')).code, 550);
    assert.equal((await tryUpload(client, 'STOR relative.txt', Buffer.from('x'))).final.code, 226);
    assert.equal((await client.send('CWD /')).code, 250);
  });

  it('keeps a read-only directory readable and unchanged', async () => {
    const read = await tryDownload(client, 'RETR /outgoing/report.txt');
    assert.equal(read.final.code, 226);
    assert.equal(read.data.toString(), 'for partners');
    const listing = await list('NLST', '/outgoing');
    assert.equal(listing.code, 226);
    assert.match(listing.text, /report\.txt/);
    assert.equal((await tryUpload(client, 'STOR /outgoing/new.txt', Buffer.from('x'))).preliminary.code, 550);
    assert.equal((await client.send('DELE /outgoing/report.txt')).code, 550);
    assert.equal((await client.send('RNFR /outgoing/report.txt')).code, 550);
    assert.equal((await client.send('MKD /outgoing/sub')).code, 550);
    await assert.rejects(fs.stat('/outgoing/new.txt'), /no such file/i);
  });

  it('lets the deeper rule win: a writable folder inside the read-only one', async () => {
    assert.equal((await tryUpload(client, 'STOR /outgoing/drop/in.txt', Buffer.from('x'))).final.code, 226);
    assert.equal((await client.send('DELE /outgoing/drop/in.txt')).code, 550, 'delete is still inherited from /outgoing');
  });

  it('applies glob rules anywhere in the tree, and leaves other paths alone', async () => {
    assert.equal((await tryUpload(client, 'STOR /public/tool.exe', Buffer.from('MZ'))).preliminary.code, 550);
    assert.equal((await tryUpload(client, 'STOR /public/tool.txt', Buffer.from('ok'))).final.code, 226);
    assert.equal((await client.send('RNFR /public/tool.txt')).code, 350);
    assert.equal((await client.send('RNTO /outgoing/tool.txt')).code, 550, 'rename into a read-only directory');
    assert.equal((await client.send('DELE /public/tool.txt')).code, 250);
  });
});
