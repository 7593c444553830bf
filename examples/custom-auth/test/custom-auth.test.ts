/** Starts the custom-auth example and logs in over the wire as each kind of user. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { hashPassword, start, verifyPassword, type RunningExample } from '../src/server.js';

async function connect(port: number, user: string, password: string): Promise<Client> {
  const client = new Client();
  await client.access({ host: '127.0.0.1', port, user, password });
  return client;
}

describe('custom-auth example', () => {
  let app: RunningExample;
  before(async () => {
    app = await start({ port: 0 });
  });
  after(() => app.close());

  it('stores scrypt hashes that verify only the right password', async () => {
    const hash = await hashPassword('pw');
    assert.match(hash, /^scrypt\$16384\$8\$1\$[^$]+\$[^$]+$/);
    assert.equal(await verifyPassword('pw', hash), true);
    assert.equal(await verifyPassword('pW', hash), false);
    assert.equal(await verifyPassword('pw', 'plain-text'), false);
  });

  it('logs alice into her home with full access', async () => {
    const client = await connect(app.port, 'alice', 'wonderland');
    try {
      assert.equal(await client.pwd(), '/home/alice');
      await client.uploadFrom(Readable.from([Buffer.from('notes')]), 'notes.txt');
      assert.equal((await app.fs.stat('/home/alice/notes.txt')).size, 5);
    } finally {
      client.close();
    }
  });

  it('keeps bob read-only in his home', async () => {
    const client = await connect(app.port, 'bob', 'builder');
    try {
      assert.equal(await client.pwd(), '/home/bob');
      await assert.rejects(client.uploadFrom(Readable.from([Buffer.from('x')]), 'x.txt'), /550/);
      const list = await client.list('/pub');
      assert.deepEqual(list.map((f) => f.name), ['welcome.txt']);
    } finally {
      client.close();
    }
  });

  it('refuses wrong passwords, unknown users and locked accounts', async () => {
    await assert.rejects(connect(app.port, 'alice', 'nope'), /530 Login incorrect/);
    await assert.rejects(connect(app.port, 'mallory', 'x'), /530 Login incorrect/);
    await assert.rejects(connect(app.port, 'eve', 'secret'), /530 Account locked/);
  });
});
