/**
 * PROXY protocol end to end, with the test posing as the balancer (connecting from
 * 127.0.0.10): the header's client is the session's address for hooks, events, limits,
 * bans, lists and the data-connection checks; bad, slow or missing headers from the
 * balancer close the connection; headers from anyone else are just bytes of FTP.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { test } from 'node:test';
import type { Session } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { prng } from '../fuzz/generator.js';
import { createTestCerts } from '../support/certs.js';
import { skipUnless } from '../support/process.js';
import { proxyV1, proxyV2 } from '../support/proxy-header.js';
import { collect, RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();
const BALANCER = '127.0.0.10';
const proxyProtocol = { trusted: ['127.0.0.8/30'], timeout: 300 };

const via = (port: number, header: Buffer) => RawClient.connect(port, '127.0.0.1', BALANCER, header);
const client = (address: string) => proxyV2({ address, port: 40000 });

function rawSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** EPSV, then a data connection from the balancer that names `address` as its client. */
async function passiveVia(control: RawClient, address: string): Promise<Socket> {
  const m = /\|\|\|(\d+)\|/.exec((await control.send('EPSV')).text);
  const socket = await rawSocket(Number(m![1]), BALANCER);
  socket.on('error', () => {});
  socket.write(client(address));
  return socket;
}

test('v1 and v2 headers from the balancer name the client: session, authenticate, connection hook, events, STAT', async () => {
  const seen: { hook: string[]; auth: string[]; connect: Session[] } = { hook: [], auth: [], connect: [] };
  const { server, port } = await start({
    proxyProtocol,
    connection: ({ address }) => (seen.hook.push(address), { accept: true }),
    authenticate: ({ address }) => (seen.auth.push(address), { fs: new MemoryFileSystem() }),
  });
  server.on('connect', (session) => seen.connect.push(session));

  const { client: v1, banner } = await via(port, proxyV1({ address: '198.51.100.7', port: 50123 }));
  assert.equal(banner.code, 220);
  await v1.login();
  assert.match((await v1.send('STAT')).text, /Connected from 198\.51\.100\.7/);
  const { client: v2 } = await via(port, proxyV2({ address: '2001:db8::7', port: 50124 }));
  await v2.login();
  assert.deepEqual(seen.hook, ['198.51.100.7', '2001:db8::7']);
  assert.deepEqual(seen.auth, ['198.51.100.7', '2001:db8::7']);
  assert.deepEqual(seen.connect.map((s) => [s.remoteAddress, s.remotePort, s.proxyAddress]), [
    ['198.51.100.7', 50123, BALANCER],
    ['2001:db8::7', 50124, BALANCER],
  ]);
  v1.close();
  v2.close();
});

test('v2 LOCAL (a health check) and v1 UNKNOWN keep the balancer as the peer', async () => {
  const { server, port } = await start({ proxyProtocol });
  const addresses: string[] = [];
  server.on('connect', (s) => addresses.push(`${s.remoteAddress}|${s.proxyAddress}`));
  const { client: local } = await via(port, proxyV2({ address: '198.51.100.7', port: 1 }, { local: true }));
  const { client: unknown } = await via(port, proxyV1());
  assert.deepEqual(addresses, [`${BALANCER}|undefined`, `${BALANCER}|undefined`]);
  // The headers were consumed: the sessions answer commands, not the header's bytes.
  for (const client of [local, unknown]) {
    await client.login();
    assert.match((await client.send('STAT')).text, /Connected from 127\.0\.0\.10/);
  }
  local.close();
  unknown.close();
});

test('headers from untrusted addresses are FTP bytes: v1 is an unknown command, v2 ends in its QUIT', async () => {
  const { server, port } = await start({ proxyProtocol });
  const addresses: string[] = [];
  server.on('connect', (s) => addresses.push(s.remoteAddress));
  const { client: forgedV1 } = await RawClient.connect(port, '127.0.0.1', '127.0.0.3');
  assert.equal((await forgedV1.send('PROXY TCP4 198.51.100.7 127.0.0.1 1 21')).code, 500);
  await forgedV1.login();
  assert.match((await forgedV1.send('STAT')).text, /Connected from 127\.0\.0\.3/);
  const { client: forgedV2 } = await RawClient.connect(port, '127.0.0.1', '127.0.0.3');
  // The v2 signature holds "\r\n\r\n\0\r\nQUIT\n" on purpose: a server that does not expect it quits.
  forgedV2.write(client('198.51.100.7'));
  assert.equal((await forgedV2.read()).code, 500, 'the NUL line');
  assert.equal((await forgedV2.read()).code, 221);
  assert.deepEqual(addresses, ['127.0.0.3', '127.0.0.3']);
  forgedV1.close();
});

test('from the balancer, a missing, malformed, truncated or slow header closes the connection; the server carries on', async () => {
  const { server, port } = await start({ proxyProtocol });
  const errors: string[] = [];
  server.on('error', (err) => errors.push(err.message));
  const answer = async (bytes: Buffer | string, end = false) => {
    const socket = await rawSocket(port, BALANCER);
    const received = collect(socket);
    if (end) socket.end(bytes);
    else socket.write(bytes);
    return (await received).toString();
  };
  assert.equal(await answer('USER anonymous\r\n'), '');
  assert.equal(await answer('PROXY TCP4 198.51.100.7 127.0.0.1 99999 21\r\n'), '');
  assert.equal(await answer(client('198.51.100.7').subarray(0, 20), true), '');
  const started = performance.now();
  assert.equal(await answer('PROXY TCP4 198.51.'), '');
  const waited = performance.now() - started;
  assert.ok(waited > 250 && waited < 3000, `slow header dropped after ${waited} ms`);
  assert.equal(errors.length, 4, errors.join('\n'));
  assert.match(errors.join('\n'), /signature[\s\S]*port out of range[\s\S]*closed before[\s\S]*within 300 ms/);
  const { client: good, banner } = await via(port, client('198.51.100.7'));
  assert.equal(banner.code, 220);
  assert.equal(server.sessions.size, 1);
  good.close();
});

test('bans, per-address caps and deny lists apply to the client named in the header, not to the balancer', async () => {
  const { port } = await start({
    proxyProtocol,
    maxConnectionsPerIp: 1,
    defender: { failedLoginDelay: 0, maxLoginFailuresPerSession: 1, banAfterFailures: 2, denyList: ['203.0.113.0/24'] },
  });
  for (let i = 0; i < 2; i++) {
    const { client: attacker } = await via(port, client('198.51.100.66'));
    await attacker.send('USER user');
    assert.equal((await attacker.send('PASS wrong')).code, 530);
    await new Promise((resolve) => attacker.socket.once('close', resolve));
  }
  assert.equal((await via(port, client('198.51.100.66'))).banner.code, 421, 'the attacker is banned');
  const { client: bystander, banner } = await via(port, client('198.51.100.7'));
  assert.equal(banner.code, 220, 'another client of the same balancer is not');
  await bystander.login();
  assert.equal((await via(port, client('198.51.100.7'))).banner.code, 421, 'per-address cap of 1');
  assert.equal((await via(port, client('198.51.100.8'))).banner.code, 220, 'a third client has its own count');
  assert.equal((await via(port, client('203.0.113.5'))).banner.code, 421, 'deny list');
  bystander.close();
});

test('passive data through the balancer must name the session client; PORT targets are checked against it', async () => {
  const { server, port, fs } = await start({ proxyProtocol });
  const refused: string[] = [];
  server.on('error', (err) => refused.push(err.message));
  const w = await fs.write('/hello.txt', {});
  await new Promise<void>((resolve) => w.end('hello through the balancer\n', resolve));
  const { client: control } = await via(port, client('127.0.0.3'));
  await control.login();
  await control.send('TYPE I');

  const data = await passiveVia(control, '127.0.0.3');
  assert.equal((await control.send('RETR /hello.txt')).code, 150);
  assert.equal((await collect(data)).toString(), 'hello through the balancer\n');
  assert.equal((await control.read()).code, 226);

  // Another client behind the same balancer tries to take the data connection: refused.
  const m = /\|\|\|(\d+)\|/.exec((await control.send('EPSV')).text);
  const dataPort = Number(m![1]);
  const thief = await rawSocket(dataPort, BALANCER);
  thief.end(client('198.51.100.99'));
  assert.equal((await collect(thief)).length, 0);
  assert.equal((await control.send('RETR /hello.txt')).code, 150);
  const real = await rawSocket(dataPort, BALANCER);
  real.write(client('127.0.0.3'));
  assert.equal((await collect(real)).toString(), 'hello through the balancer\n');
  assert.equal((await control.read()).code, 226);
  assert.ok(refused.some((m) => /refused data connection from 198\.51\.100\.99/.test(m)), refused.join('\n'));

  assert.equal((await control.send('PORT 127,0,0,10,200,10')).code, 501, 'the balancer is a foreign address');
  assert.equal((await control.send('PORT 127,0,0,3,200,10')).code, 200, 'the client is not');
  control.close();
});

test('FTPS behind the balancer: the header comes before the TLS handshake, on the implicit listener and on PROT P data', { skip: skipUnless('openssl', ['version']) }, async () => {
  const certs = createTestCerts();
  try {
    const { server, fs } = await start({ proxyProtocol, tls: { ...certs.issue('127.0.0.1').files, implicitPort: 0 } });
    const w = await fs.write('/secret.txt', {});
    await new Promise<void>((resolve) => w.end('protected\n', resolve));
    const addresses: string[] = [];
    server.on('connect', (s) => addresses.push(s.remoteAddress));
    const socket = await rawSocket(server.implicitAddress!.port, BALANCER);
    socket.write(client('198.51.100.7'));
    const secured = tlsConnect({ socket, rejectUnauthorized: false });
    await new Promise((resolve, reject) => secured.once('secureConnect', resolve).once('error', reject));
    const banner = await new Promise<string>((resolve) => secured.once('data', (c: Buffer) => resolve(c.toString())));
    assert.match(banner, /^220 /);
    assert.deepEqual(addresses, ['198.51.100.7']);
    secured.destroy();

    // Explicit FTPS on the main port, with a TLS data connection behind its own header.
    const { client: control } = await via(server.address!.port, client('127.0.0.3'));
    assert.equal((await control.send('AUTH TLS')).code, 234);
    await control.upgrade();
    await control.login();
    assert.equal((await control.send('PBSZ 0')).code, 200);
    assert.equal((await control.send('PROT P')).code, 200);
    await control.send('TYPE I');
    const data = await passiveVia(control, '127.0.0.3');
    assert.equal((await control.send('RETR /secret.txt')).code, 150);
    const tlsData = tlsConnect({ socket: data, rejectUnauthorized: false });
    assert.equal((await collect(tlsData)).toString(), 'protected\n');
    assert.equal((await control.read()).code, 226);
    control.close();
  } finally {
    certs.remove();
  }
});

test('fuzz: mutated headers from the balancer, split into random chunks, are either greeted or closed, and never crash or hang the server', async () => {
  const { server, port } = await start({ proxyProtocol });
  server.on('error', () => {}); // each bad header is reported; the count is not the point here
  const random = prng(20261201);
  const int = (n: number) => Math.floor(random() * n);
  const cases = Array.from({ length: 120 }, () => {
    const header = Buffer.from(int(2) ? client(`198.51.100.${int(256)}`) : proxyV1({ address: `203.0.113.${int(256)}`, port: int(65536) }));
    for (let m = int(3); m > 0; m--) header[int(header.length)] = int(256);
    const bytes = int(4) === 0 ? header.subarray(0, int(header.length)) : header;
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + int(24);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    return chunks;
  });
  const outcomes = { greeted: 0, closed: 0 };
  for (let i = 0; i < cases.length; i += 12) {
    await Promise.all(
      cases.slice(i, i + 12).map(async (chunks) => {
        const socket = await rawSocket(port, BALANCER);
        socket.on('error', () => {});
        const first = new Promise<string>((resolve) => {
          socket.once('data', (c: Buffer) => resolve(c.toString('latin1')));
          socket.once('close', () => resolve(''));
        });
        for (const chunk of chunks) {
          if (socket.destroyed) break;
          socket.write(chunk);
          await new Promise((resolve) => setTimeout(resolve, int(3)));
        }
        const reply = await first;
        if (reply.startsWith('220 ')) outcomes.greeted++;
        else {
          assert.equal(reply, '', 'a connection that is not greeted gets no bytes at all');
          outcomes.closed++;
        }
        socket.destroy();
      }),
    );
  }
  assert.ok(outcomes.greeted > 10 && outcomes.closed > 10, JSON.stringify(outcomes));
  const { client: after, banner } = await via(port, client('198.51.100.7'));
  assert.equal(banner.code, 220, 'still serving');
  after.close();
});
