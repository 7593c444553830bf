/** The authenticate hook, the pre-login hook on USER and the connection hook, over the wire. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthError, READ_ONLY, type AuthRequest, type ConnectionInfo } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('authenticate and beforeLogin', () => {
  let t: TestServer;
  const requests: AuthRequest[] = [];
  const failures: string[] = [];
  const errors: Error[] = [];

  before(async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/home');
    await fs.mkdir('/home/carol');
    t = await startTestServer({
      fs,
      beforeLogin({ username }) {
        if (username === 'mallory') throw new AuthError('Account locked.');
        if (username === 'admin') return { requireTls: true };
        if (username === 'crash') throw new Error('directory service down');
      },
      authenticate(request) {
        requests.push(request);
        if (request.username === 'carol' && request.password === 'pw') {
          return { fs, home: '/home/carol', permissions: READ_ONLY, limits: { maxFileSize: 4 }, data: { plan: 'gold' } };
        }
        if (request.username === 'dave' && request.password === 'pw') return { fs, limits: { maxFileSize: 4 } };
        if (request.username === 'broken') throw new Error('database unavailable');
        throw new AuthError('Bad password for this account.');
      },
    });
    t.server.on('login-failed', ({ reason }) => failures.push(reason));
    t.server.on('error', (err) => errors.push(err));
  });
  after(() => t.close());

  it('gives authenticate the address, TLS state and session; keeps home, permissions, limits and data', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login('carol', 'pw');
      const request = requests.at(-1)!;
      assert.equal(request.address, '127.0.0.1');
      assert.equal(request.secure, false);
      assert.equal(request.certificate, undefined);
      assert.equal(request.anonymous, false);
      const session = request.session;
      assert.ok([...t.server.sessions].includes(session));
      assert.equal((await client.send('PWD')).text, '257 "/home/carol" is the current directory.');
      assert.deepEqual(session.user?.data, { plan: 'gold' });
      assert.equal(session.user?.permissions.write, false);
      assert.equal((await client.send('MKD x')).code, 550);
    } finally {
      client.close();
    }
  });

  it('enforces the limits authenticate returned: an upload past maxFileSize gets 552', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.login('dave', 'pw');
      await client.send('TYPE I');
      let data = await client.passive();
      assert.equal((await client.send('STOR /home/small.bin')).code, 150);
      data.end('1234');
      assert.equal((await client.read()).code, 226);
      data = await client.passive();
      assert.equal((await client.send('STOR /home/big.bin')).code, 150);
      data.end('12345');
      assert.equal((await client.read()).code, 552);
      assert.equal((await client.send('SIZE /home/big.bin')).code, 550);
    } finally {
      client.close();
    }
  });

  it('refuses with the AuthError message; a throwing hook is a 530 and an error event', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      await client.send('USER carol');
      assert.equal((await client.send('PASS nope')).text, '530 Bad password for this account.');
      await client.send('USER broken');
      assert.equal((await client.send('PASS x')).text, '530 Login incorrect.');
      assert.match(errors.at(-1)?.message ?? '', /database unavailable/);
      assert.deepEqual(failures.slice(-2), ['Bad password for this account.', 'Login incorrect.']);
    } finally {
      client.close();
    }
  });

  it('lets beforeLogin refuse at USER and require TLS for a user', async () => {
    const { client } = await RawClient.connect(t.port);
    try {
      const before = requests.length;
      assert.equal((await client.send('USER mallory')).text, '530 Account locked.');
      assert.equal((await client.send('PASS whatever')).code, 503);
      const tls = await client.send('USER admin');
      assert.equal(tls.code, 530);
      assert.match(tls.text, /TLS is required/);
      assert.equal((await client.send('USER crash')).text, '530 Login incorrect.');
      assert.match(errors.at(-1)?.message ?? '', /directory service down/);
      assert.equal(requests.length, before, 'authenticate never ran');
      await client.login('carol', 'pw');
    } finally {
      client.close();
    }
  });
});

describe('connection hook', () => {
  let t: TestServer;
  const seen: ConnectionInfo[] = [];
  const errors: Error[] = [];
  let connects = 0;

  before(async () => {
    t = await startTestServer({
      async connection(info) {
        seen.push(info);
        if (info.address === '127.0.0.2') return { accept: false, message: 'Not from there.' };
        if (info.address === '127.0.0.3') throw new Error('geo lookup failed');
        return { accept: true, banner: ['Welcome to ftpkit.', `You are ${info.address}.`] };
      },
    });
    t.server.on('connect', () => connects++);
    t.server.on('error', (err) => errors.push(err));
  });
  after(() => t.close());

  it('chooses the banner for an accepted connection', async () => {
    const { client, banner } = await RawClient.connect(t.port);
    try {
      assert.equal(banner.code, 220);
      assert.equal(banner.text, '220-Welcome to ftpkit.\n220 You are 127.0.0.1.');
      assert.equal(seen.at(-1)?.localAddress, '127.0.0.1');
      await client.login();
    } finally {
      client.close();
    }
  });

  it('refuses by address with 421 and closes, before any session exists', async () => {
    const before = connects;
    const { client, banner } = await RawClient.connect(t.port, '127.0.0.1', '127.0.0.2');
    assert.equal(banner.text, '421 Not from there.');
    await waitClosed(client);
    assert.equal(connects, before);
  });

  it('refuses with 421 and emits error when the hook throws; the server keeps serving', async () => {
    const { client, banner } = await RawClient.connect(t.port, '127.0.0.1', '127.0.0.3');
    assert.equal(banner.code, 421);
    await waitClosed(client);
    assert.match(errors.at(-1)?.message ?? '', /geo lookup failed/);
    const again = await RawClient.connect(t.port);
    assert.equal(again.banner.code, 220);
    again.client.close();
  });
});

async function waitClosed(client: RawClient): Promise<void> {
  if (client.closed) return;
  await new Promise((resolve) => client.socket.once('close', resolve));
}
