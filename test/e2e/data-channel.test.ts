/** Data channel setup and its RFC 2577 rules: PASV EPSV (ALL) PORT EPRT, bounce and port stealing. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { useServer } from '../support/fixture.js';
import { activeTarget, download } from '../support/data.js';
import { collect, type RawClient } from '../support/raw-client.js';

/** PASV, check the advertised address, connect to it and RETR /f.txt through it. */
async function pasvDownload(client: RawClient, advertised: string): Promise<void> {
  const reply = await client.send('PASV');
  const m = /^227 Entering Passive Mode \((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.text);
  assert.ok(m, reply.text);
  assert.equal(m.slice(1, 5).join('.'), advertised);
  const socket = connect({ host: '127.0.0.1', port: Number(m[5]) * 256 + Number(m[6]) });
  await once(socket, 'connect');
  assert.equal((await client.send('RETR /f.txt')).code, 150);
  assert.equal((await collect(socket)).toString(), 'file body');
  assert.equal((await client.read()).code, 226);
}

describe('data channels', () => {
  const t = useServer({ fs: new MemoryFileSystem({ files: { '/f.txt': 'file body' } }), dataConnectTimeout: 1500 });

  it('PASV answers 227 with the control address and a port that serves the transfer', async () => {
    await pasvDownload(await t.connect(), '127.0.0.1');
  });

  it('EPSV answers 229 (|||port|); EPSV 1 too; EPSV 2 on IPv4 is 522; junk 501', async () => {
    const client = await t.connect();
    assert.match((await client.send('EPSV')).text, /^229 .*\(\|\|\|\d+\|\)/);
    assert.match((await client.send('EPSV 1')).text, /^229 /);
    assert.equal((await client.send('EPSV 2')).code, 522);
    assert.equal((await client.send('EPSV 7')).code, 501);
    assert.equal((await client.send('PASV x')).code, 501);
  });

  it('a session keeps its passive port between transfers, and drops connections nobody asked for', async () => {
    const client = await t.connect();
    const port = async () => Number(/\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text)![1]);
    const first = await port();
    assert.equal(await port(), first, 'the listener is reused');
    client.write('ABOR\r\n'); // forget the pending channel
    assert.equal((await client.read()).code, 225);
    // No PASV is pending now: a connection to the port is dropped without data.
    const stray = connect({ host: '127.0.0.1', port: first });
    const outcome = await new Promise<string>((resolve) => {
      stray.once('error', () => resolve('refused'));
      stray.once('connect', () => void collect(stray).then((data) => resolve(data.length ? 'data!' : 'closed'), () => resolve('closed')));
    });
    assert.ok(outcome === 'refused' || outcome === 'closed', String(outcome));
    assert.equal((await download(client, 'RETR /f.txt')).toString(), 'file body');
  });

  it('an idle session gives its passive port back after two seconds', async () => {
    const client = await t.connect();
    const port = Number(/\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text)![1]);
    assert.equal((await client.send('ABOR')).code, 225);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect({ host: '127.0.0.1', port });
      probe.once('error', () => resolve(true));
      probe.once('connect', () => (probe.destroy(), resolve(false)));
    });
    assert.ok(refused, 'the listener closed');
    assert.equal((await download(client, 'RETR /f.txt')).toString(), 'file body');
  });

  it('EPSV ALL makes PASV, PORT and EPRT answer 501 while EPSV still works', async () => {
    const client = await t.connect();
    assert.equal((await client.send('EPSV ALL')).code, 200);
    assert.equal((await client.send('PASV')).code, 501);
    assert.equal((await client.send('PORT 127,0,0,1,200,1')).code, 501);
    assert.equal((await client.send('EPRT |1|127.0.0.1|51201|')).code, 501);
    assert.equal((await download(client, 'RETR /f.txt')).toString(), 'file body');
  });

  it('PORT and EPRT to a foreign address are refused with 501 and nothing is connected', async () => {
    const target = await activeTarget('127.0.0.2');
    let connected = false;
    void target.accepted.then(() => (connected = true));
    const client = await t.connect();
    assert.equal((await client.send(`PORT ${target.portArg}`)).code, 501);
    assert.equal((await client.send(`EPRT ${target.eprtArg}`)).code, 501);
    assert.equal((await client.send('RETR /f.txt')).code, 425, 'no data channel was set up');
    assert.equal(connected, false);
    target.close();
  });

  it('PORT and EPRT to a port below 1024 are refused with 501', async () => {
    const client = await t.connect();
    assert.equal((await client.send('PORT 127,0,0,1,0,21')).code, 501);
    assert.equal((await client.send('PORT 127,0,0,1,3,255')).code, 501);
    assert.equal((await client.send('EPRT |1|127.0.0.1|22|')).code, 501);
  });

  it('malformed PORT/EPRT answer 501; EPRT for IPv6 on an IPv4 connection 522', async () => {
    const client = await t.connect();
    for (const line of ['PORT 127,0,0,1,4', 'PORT 300,0,0,1,4,1', 'PORT', 'EPRT |1|127.0.0.1|', 'EPRT |3|x|1|', 'EPRT']) {
      assert.equal((await client.send(line)).code, 501, line);
    }
    assert.equal((await client.send('EPRT |2|::1|5000|')).code, 522);
  });

  it('refuses a passive data connection from another address, then serves the real client', async () => {
    const client = await t.connect();
    const port = Number(/\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text)![1]);
    const thief = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    thief.on('error', () => {});
    const stolen = await collect(thief).catch(() => Buffer.alloc(0));
    assert.equal(stolen.length, 0, 'the thief got no data');
    const real = connect({ host: '127.0.0.1', port });
    await once(real, 'connect');
    assert.equal((await client.send('RETR /f.txt')).code, 150);
    assert.equal((await collect(real)).toString(), 'file body');
    assert.equal((await client.read()).code, 226);
  });

  it('refuses a thief that connects after the transfer command too', async () => {
    const client = await t.connect();
    const port = Number(/\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text)![1]);
    assert.equal((await client.send('RETR /f.txt')).code, 150);
    const thief = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    thief.on('error', () => {});
    assert.equal((await collect(thief).catch(() => Buffer.alloc(0))).length, 0);
    const real = connect({ host: '127.0.0.1', port });
    assert.equal((await collect(real)).toString(), 'file body');
    assert.equal((await client.read()).code, 226);
  });

  it('a client on 127.0.0.2 may use PORT to its own address', async () => {
    const client = await t.connect(true, '127.0.0.2');
    const target = await activeTarget('127.0.0.2');
    assert.equal((await client.send(`PORT ${target.portArg}`)).code, 200);
    assert.equal((await client.send('RETR /f.txt')).code, 150);
    assert.equal((await collect(await target.accepted)).toString(), 'file body');
    assert.equal((await client.read()).code, 226);
  });

  it('answers 425 when an active connection is refused', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const client = await t.connect();
    assert.equal((await client.send(`EPRT |1|127.0.0.1|${port}|`)).code, 200);
    assert.equal((await client.send('RETR /f.txt')).code, 150);
    assert.equal((await client.read()).code, 425);
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('answers 425 when the client never connects to the passive port', async () => {
    const client = await t.connect();
    await client.send('EPSV');
    assert.equal((await client.send('RETR /f.txt')).code, 150);
    assert.equal((await client.read(5000)).code, 425);
    assert.equal((await client.send('NOOP')).code, 200);
  });
});

describe('publicHost', () => {
  // A host name, a session-dependent choice and an IPv6 address (PASV cannot carry one).
  const t = useServer({
    fs: new MemoryFileSystem({ files: { '/f.txt': 'file body' } }),
    publicHost: (session) => (session.user?.anonymous ? '2001:db8::1' : session.user?.username === 'reader' ? '203.0.113.7' : 'localhost'),
  });

  it('a host name is advertised as its IPv4 address, and transfers work through it', async () => {
    const client = await t.connect();
    for (let i = 0; i < 2; i++) await pasvDownload(client, '127.0.0.1');
  });

  it('a function chooses the address per session; an IPv6 address is refused with 425', async () => {
    const reader = await t.connect({ user: 'reader', pass: 'reader' });
    assert.match((await reader.send('PASV')).text, /^227 Entering Passive Mode \(203,0,113,7,\d+,\d+\)/);
    const anonymous = await t.connect({ user: 'anonymous', pass: 'guest@' });
    assert.equal((await anonymous.send('PASV')).code, 425);
    assert.match((await anonymous.send('EPSV')).text, /^229 /);
    const user = await t.connect();
    assert.match((await user.send('PASV')).text, /^227 .*\(127,0,0,1,/);
  });
});
