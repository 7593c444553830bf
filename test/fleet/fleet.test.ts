/**
 * Two `ftpkit` nodes behind a real HAProxy (TCP mode, send-proxy-v2, passive slices
 * forwarded), driven by real clients through the balancer: curl, lftp, Python's ftplib
 * and basic-ftp, in both directions. The nodes must see and log each client's own
 * address (the balancer only as `via`), accept data connections only from the session's
 * client, and ignore PROXY headers from anyone but the balancer.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { LFTP_SETTINGS } from '../support/client-args.js';
import { findPython, runOk, skipUnless } from '../support/process.js';
import { proxyV1, proxyV2 } from '../support/proxy-header.js';
import { collect, RawClient } from '../support/raw-client.js';
import { BALANCER_SOURCE, skipUnlessHaproxy, startFleet, type Fleet, type FleetNode } from './fleet.js';

const FTPLIB = fileURLToPath(new URL('../clients/ftplib_client.py', import.meta.url));

/** Whether `node` logged a session line from `address` that came through the balancer. */
function sawClient(node: FleetNode, address: string, msg?: string): boolean {
  return node.logs().some((l) => l.address === address && l.via === BALANCER_SOURCE && (!msg || l.msg === msg));
}

async function xferlogOf(node: FleetNode): Promise<string> {
  return readFile(node.xferlog, 'utf8').catch(() => '');
}

function socketFrom(port: number, localAddress: string, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, localAddress });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('a fleet behind HAProxy', { skip: skipUnlessHaproxy() }, () => {
  let fleet: Fleet;
  let dir: string;
  let certs: TestCerts | undefined;
  const url = (path: string) => `ftp://${fleet.host}:${fleet.port}${path}`;

  before(async () => {
    // Explicit FTPS offered (not required) when a certificate can be made here.
    certs = hasOpenssl() ? createTestCerts() : undefined;
    const pair = certs?.issue('127.0.0.1').files;
    const tls = pair ? ['--tls-cert', pair.certFile, '--tls-key', pair.keyFile] : [];
    fleet = await startFleet({ args: () => ['--user', 'alice:secret', ...tls] });
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-fleet-clients-'));
  });
  after(async () => {
    await fleet?.stop();
    certs?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('curl from 127.0.0.3: uploads and downloads across both nodes (EPSV and PASV); each node logs 127.0.0.3 via the balancer', { skip: skipUnless('curl') }, async () => {
    const curl = (...args: string[]) => runOk('curl', ['-sS', '--max-time', '30', '--interface', '127.0.0.3', '-u', 'alice:secret', ...args]);
    const data = randomBytes(3 * 1024 * 1024);
    await writeFile(join(dir, 'curl-up.bin'), data);
    // Round robin: these four control connections alternate between the two nodes.
    await curl('--ftp-create-dirs', '-T', join(dir, 'curl-up.bin'), url('/curl/one.bin'));
    await curl('--disable-epsv', '-o', join(dir, 'curl-down-1.bin'), url('/curl/one.bin'));
    await curl('--disable-epsv', '-T', join(dir, 'curl-up.bin'), url('/curl/two.bin'));
    await curl('-o', join(dir, 'curl-down-2.bin'), url('/curl/two.bin'));
    assert.ok((await readFile(join(dir, 'curl-down-1.bin'))).equals(data), 'uploaded through one node, downloaded through the other');
    assert.ok((await readFile(join(dir, 'curl-down-2.bin'))).equals(data));
    for (const node of fleet.nodes) {
      assert.ok(sawClient(node, '127.0.0.3', 'login'), `node ${node.index} logged the login of 127.0.0.3`);
      assert.match(await xferlogOf(node), / 127\.0\.0\.3 3145728 \/curl\/(one|two)\.bin b _ [io] r alice ftp 0 \* c/);
      assert.ok(!node.logs().some((l) => l.address === BALANCER_SOURCE && l.msg === 'login'), 'no login is attributed to the balancer');
    }
  });

  it('curl with explicit FTPS (AUTH TLS, PROT P) through the balancer: TLS data connections behind PROXY headers', { skip: skipUnless('curl') || skipUnless('openssl', ['version']) }, async () => {
    const curl = (...args: string[]) => runOk('curl', ['-sS', '--max-time', '30', '--ssl-reqd', '-k', '--interface', '127.0.0.7', '-u', 'alice:secret', ...args]);
    const data = randomBytes(1024 * 1024);
    await writeFile(join(dir, 'tls-up.bin'), data);
    await curl('-T', join(dir, 'tls-up.bin'), url('/tls.bin'));
    await curl('-o', join(dir, 'tls-down.bin'), url('/tls.bin'));
    assert.ok((await readFile(join(dir, 'tls-down.bin'))).equals(data));
    assert.ok(fleet.nodes.every((n) => sawClient(n, '127.0.0.7', 'login')), 'both nodes logged 127.0.0.7');
  });

  it('lftp from 127.0.0.5: put and get through the balancer', { skip: skipUnless('lftp') }, async () => {
    const data = randomBytes(1024 * 1024);
    await writeFile(join(dir, 'lftp-up.bin'), data);
    const script = [
      LFTP_SETTINGS,
      'set net:socket-bind-ipv4 127.0.0.5',
      `open -u alice,secret ${url('')}`,
      `put ${join(dir, 'lftp-up.bin')} -o /lftp.bin`,
      `get /lftp.bin -o ${join(dir, 'lftp-down.bin')}`,
      'bye',
    ].join('; ');
    await runOk('lftp', ['-c', script], { timeoutMs: 60_000 });
    assert.ok((await readFile(join(dir, 'lftp-down.bin'))).equals(data));
    assert.ok(fleet.nodes.some((n) => sawClient(n, '127.0.0.5', 'login')), 'a node logged 127.0.0.5');
  });

  it('Python ftplib from 127.0.0.6: the whole ftplib script through the balancer, passive ports reached via the control host', { skip: findPython() ? false : skipUnless('python3', ['-c', 'import ftplib']) }, async () => {
    const local = await mkdtemp(join(dir, 'ftplib-'));
    const big = randomBytes(1024 * 1024);
    await writeFile(join(local, 'big.bin'), big);
    await writeFile(join(local, 'text.txt'), 'first line\nsecond line\n');
    const { stdout } = await runOk(findPython() ?? 'python3', [FTPLIB, String(fleet.port), 'alice', 'secret', local, '/py'], {
      timeoutMs: 60_000,
      env: { ...process.env, FTPLIB_SOURCE_ADDRESS: '127.0.0.6' },
    });
    const out = JSON.parse(stdout);
    assert.match(out.storbinary, /^226 /);
    assert.match(out.retrbinary, /^226 /);
    assert.ok((await readFile(join(local, 'big.down'))).equals(big));
    assert.deepEqual(out.retrlines, ['first line', 'second line']);
    assert.match(out.quit, /^221 /);
    assert.ok(fleet.nodes.some((n) => sawClient(n, '127.0.0.6', 'login')), 'a node logged 127.0.0.6');
  });

  it('basic-ftp: upload and download through the balancer on both nodes', async () => {
    const data = randomBytes(512 * 1024);
    await writeFile(join(dir, 'basic-up.bin'), data);
    for (const name of ['/basic-1.bin', '/basic-2.bin']) {
      const client = new Client(15_000);
      try {
        await client.access({ host: fleet.host, port: fleet.port, user: 'alice', password: 'secret' });
        await client.uploadFrom(join(dir, 'basic-up.bin'), name);
        await client.downloadTo(join(dir, 'basic-down.bin'), name);
      } finally {
        client.close();
      }
      assert.ok((await readFile(join(dir, 'basic-down.bin'))).equals(data), name);
    }
    for (const node of fleet.nodes) assert.ok(sawClient(node, '127.0.0.1', 'login'), `node ${node.index} logged 127.0.0.1 via the balancer`);
  });

  it('a data connection through the balancer from another client is refused; the session client then gets its data', async () => {
    const { client } = await RawClient.connect(fleet.port, fleet.host, '127.0.0.3');
    await client.login('alice', 'secret');
    await client.send('TYPE I');
    const m = /\|\|\|(\d+)\|/.exec((await client.send('EPSV')).text);
    const thief = await socketFrom(Number(m![1]), '127.0.0.4');
    assert.equal((await collect(thief)).length, 0, 'the thief gets nothing');
    assert.equal((await client.send('RETR /curl/one.bin')).code, 150);
    const real = await socketFrom(Number(m![1]), '127.0.0.3');
    assert.equal((await collect(real)).length, 3 * 1024 * 1024);
    assert.equal((await client.read()).code, 226);
    await client.send('QUIT');
    const refusals = fleet.nodes.flatMap((n) => n.logs().filter((l) => l.msg === 'refused data connection from 127.0.0.4 (port stealing)'));
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.address, '127.0.0.3', "logged on the client's session");
  });

  it('forged PROXY headers are ignored: after the balancer\'s own header, or sent straight to a node from an untrusted address', async () => {
    const forged = proxyV1({ address: '198.51.100.7', port: 1 });
    // Through the balancer: the node already read HAProxy's header; this one is an FTP line.
    const { client: viaBalancer, banner } = await RawClient.connect(fleet.port, fleet.host, '127.0.0.4', forged);
    assert.equal(banner.code, 220);
    assert.equal((await viaBalancer.read()).code, 500);
    await viaBalancer.login('alice', 'secret');
    assert.match((await viaBalancer.send('STAT')).text, /Connected from 127\.0\.0\.4/);
    await viaBalancer.send('QUIT');
    // Straight to a node, bypassing the balancer: v1 is an unknown command, v2's signature ends in QUIT.
    const node = fleet.nodes[0]!;
    const { client: direct } = await RawClient.connect(node.port, node.address, '127.0.0.4', forged);
    assert.equal((await direct.read()).code, 500);
    await direct.login('alice', 'secret');
    assert.match((await direct.send('STAT')).text, /Connected from 127\.0\.0\.4/);
    const { client: directV2 } = await RawClient.connect(node.port, node.address, '127.0.0.4', proxyV2({ address: '198.51.100.7', port: 1 }));
    assert.equal((await directV2.read()).code, 500);
    assert.equal((await directV2.read()).code, 221);
    direct.close();
    for (const n of fleet.nodes) assert.ok(!n.logs().some((l) => l.address === '198.51.100.7'), 'the forged address appears nowhere');
  });
});
