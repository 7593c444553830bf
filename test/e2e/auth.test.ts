/** Login and session lifecycle over the wire: USER PASS ACCT REIN QUIT, 530 before login. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { download, upload } from '../support/data.js';
import { useServer } from '../support/fixture.js';

describe('login', () => {
  const t = useServer();

  it('greets with 220', async () => {
    const { banner } = await t.connectRaw();
    assert.equal(banner.code, 220);
  });

  it('answers USER with the same 331 whether or not the user exists', async () => {
    const { client } = await t.connectRaw();
    const known = await client.send('USER user');
    const unknown = await client.send('USER nobody-here');
    assert.equal(known.code, 331);
    assert.deepEqual(unknown, known);
  });

  it('logs in with the right password and refuses a wrong one with 530', async () => {
    const { client } = await t.connectRaw();
    await client.send('USER user');
    assert.equal((await client.send('PASS wrong')).code, 530);
    assert.equal((await client.send('PWD')).code, 530);
    await client.send('USER user');
    assert.equal((await client.send('PASS pass')).code, 230);
    assert.equal((await client.send('PWD')).code, 257);
  });

  it('answers PASS without USER, and PASS after login, with 503', async () => {
    const { client } = await t.connectRaw();
    assert.equal((await client.send('PASS pass')).code, 503);
    await client.login();
    assert.equal((await client.send('PASS pass')).code, 503);
  });

  it('refuses USER once logged in', async () => {
    const client = await t.connect();
    assert.equal((await client.send('USER reader')).code, 530);
  });

  it('answers 530 to every command that needs a login', async () => {
    const { client } = await t.connectRaw();
    const verbs = ['CWD /', 'XCWD /', 'CDUP', 'XCUP', 'PWD', 'XPWD', 'MKD x', 'XMKD x', 'RMD x', 'XRMD x', 'DELE x', 'RNFR x', 'RNTO y', 'SIZE x', 'MDTM x', 'MFMT 20200101000000 x', 'TYPE I', 'MODE S', 'STRU F', 'ALLO 10', 'REST 0', 'RETR x', 'STOR x', 'STOU', 'APPE x', 'ABOR', 'LIST', 'NLST', 'MLSD', 'MLST', 'PASV', 'EPSV', 'PORT 127,0,0,1,4,1', 'EPRT |1|127.0.0.1|1025|', 'SITE CHMOD 644 x', 'STAT', 'STAT /'];
    for (const line of verbs) assert.equal((await client.send(line)).code, 530, line);
    // Commands that work before login.
    for (const [line, code] of [['NOOP', 200], ['SYST', 215], ['FEAT', 211], ['HELP', 214], ['OPTS UTF8 ON', 200], ['SITE HELP', 214], ['ACCT x', 202]] as const) {
      assert.equal((await client.send(line)).code, code, line);
    }
  });

  it('accepts anonymous logins as read-only', async () => {
    const client = await t.connect({ user: 'anonymous', pass: 'me@example.com' });
    assert.equal((await client.send('MKD anon-dir')).code, 550);
    assert.equal((await client.send('PWD')).code, 257);
  });

  it('REIN logs out and keeps the connection for a new login', async () => {
    const client = await t.connect();
    assert.equal((await client.send('TYPE I')).code, 200);
    assert.equal((await client.send('REIN')).code, 220);
    assert.equal((await client.send('PWD')).code, 530);
    await client.login('reader', 'reader');
    assert.equal((await client.send('MKD after-rein')).code, 550, 'the new user is read-only');
    assert.match((await client.send('STAT')).text, /TYPE: ASCII/);
  });

  it('REIN discards the whole login: directory, TYPE, REST, EPSV ALL and the OPTS choices', async () => {
    const client = await t.connect();
    await client.send('TYPE I');
    assert.equal((await upload(client, 'STOR /rein.bin', '0123456789')).final.code, 226);
    assert.equal((await client.send('MKD /rein-dir')).code, 257);
    assert.equal((await client.send('CWD /rein-dir')).code, 250);
    for (const line of ['REST 4', 'EPSV ALL', 'OPTS MLST size;', 'OPTS HASH MD5']) assert.equal((await client.send(line)).code < 400, true, line);
    assert.equal((await client.send('REIN')).code, 220);
    await client.login();
    assert.match((await client.send('PWD')).text, /^257 "\/" /);
    assert.match((await client.send('STAT')).text, /TYPE: ASCII/);
    assert.equal((await client.send('OPTS HASH')).text, '200 SHA-256');
    const mlst = /^ MLST (.*)$/m.exec((await client.send('FEAT')).text)?.[1] ?? '';
    assert.ok(mlst.split(';').filter(Boolean).every((fact) => fact.endsWith('*')), `every MLST fact selected again: ${mlst}`);
    assert.equal((await download(client, 'RETR /rein.bin')).toString(), '0123456789', 'REST 4 was forgotten');
    assert.equal((await client.send('PASV')).code, 227, 'EPSV ALL was forgotten');
  });

  it('QUIT answers 221 and closes the connection', async () => {
    const client = await t.connect();
    const closed = once(client.socket, 'close');
    assert.equal((await client.send('QUIT')).code, 221);
    await closed;
  });

  it('QUIT works before login', async () => {
    const { client } = await t.connectRaw();
    assert.equal((await client.send('QUIT')).code, 221);
  });
});

describe('authenticate hook failures', () => {
  const errors: Error[] = [];
  const failures: string[] = [];
  const t = useServer({
    authenticate: ({ username }) => {
      if (username === 'broken') throw new TypeError('database down');
      if (username === 'nofs') return {} as never;
      throw new Error('unreachable');
    },
  });

  it('answers 530 and reports the fault when the hook throws something unexpected', async () => {
    t.server.server.on('error', (err) => errors.push(err));
    t.server.server.on('login-failed', ({ username }) => failures.push(username));
    const { client } = await t.connectRaw();
    await client.send('USER broken');
    const reply = await client.send('PASS x');
    assert.equal(reply.code, 530);
    assert.doesNotMatch(reply.text, /database/);
    await client.send('USER nofs');
    assert.equal((await client.send('PASS x')).code, 530);
    assert.equal((await client.send('NOOP')).code, 200);
    assert.deepEqual(failures, ['broken', 'nofs']);
    assert.ok(errors.some((e) => e.message === 'database down'));
  });
});
