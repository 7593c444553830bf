/** Starts the Express + FTP example; adds a user over HTTP, logs in over FTP, watches it over HTTP. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { RawClient } from '../../../test/support/raw-client.js';
import { start, type RunningExample, type SessionInfo } from '../src/server.js';

describe('embed-in-express example', () => {
  let app: RunningExample;
  let base: string;

  before(async () => {
    app = await start({ httpPort: 0, ftpPort: 0 });
    base = `http://127.0.0.1:${app.httpPort}`;
  });
  after(() => app.close());

  const addUser = (body: unknown) =>
    fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const sessions = async (): Promise<SessionInfo[]> => (await fetch(`${base}/ftp/sessions`)).json() as Promise<SessionInfo[]>;

  it('adds a user over HTTP who can then log in over FTP', async () => {
    assert.equal((await addUser({ username: 'kim', password: 's3cret' })).status, 201);
    assert.equal((await addUser({ username: 'kim', password: 'other' })).status, 409);
    assert.equal((await addUser({ username: 'no spaces', password: 'x' })).status, 400);
    const client = new Client();
    try {
      await client.access({ host: '127.0.0.1', port: app.ftpPort, user: 'kim', password: 's3cret' });
      await client.uploadFrom(Readable.from([Buffer.from('hello')]), 'hello.txt');
      assert.deepEqual((await client.list()).map((f) => f.name), ['hello.txt']);
    } finally {
      client.close();
    }
    const wrong = new Client();
    await assert.rejects(wrong.access({ host: '127.0.0.1', port: app.ftpPort, user: 'kim', password: 'nope' }), /530/);
    wrong.close();
  });

  it('lists live FTP sessions over HTTP and can disconnect one', async () => {
    await addUser({ username: 'lee', password: 'pw' });
    const { client } = await RawClient.connect(app.ftpPort);
    await client.login('lee', 'pw');
    await client.send('CWD /');
    const { client: anonymous } = await RawClient.connect(app.ftpPort);
    try {
      const live = await sessions();
      const lee = live.find((s) => s.username === 'lee');
      assert.ok(lee, JSON.stringify(live));
      assert.equal(lee.address, '127.0.0.1');
      assert.equal(lee.cwd, '/');
      assert.equal(lee.transfer, null);
      assert.ok(live.some((s) => s.username === null), 'a session that has not logged in is listed too');
      assert.equal((await fetch(`${base}/ftp/sessions/${lee.id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await client.read()).code, 421);
      assert.ok(!(await sessions()).some((s) => s.username === 'lee'));
      assert.equal((await fetch(`${base}/ftp/sessions/${lee.id}`, { method: 'DELETE' })).status, 404);
    } finally {
      client.close();
      anonymous.close();
    }
  });
});
