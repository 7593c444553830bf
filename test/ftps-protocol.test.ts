/**
 * FTPS at the protocol level (RFC 4217, RFC 7151), driven with a raw client: reply
 * codes of AUTH/PBSZ/PROT/CCC/HOST, pipelined plaintext after AUTH, implicit TLS,
 * SNI and virtual-host certificates, certificate replacement and mutual TLS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { connect } from 'node:net';
import { AuthError, type Session } from '@ftpkit/core';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { createTestCerts, hasOpenssl, type CertPair, type TestCerts } from './support/certs.js';
import { collect, RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates';

function commonName(socket: TLSSocket): string | undefined {
  return socket.getPeerCertificate().subject?.CN as string | undefined;
}

/** AUTH TLS on a fresh connection; returns the client and the TLS socket. */
async function explicitTls(port: number, servername?: string): Promise<{ client: RawClient; secured: TLSSocket }> {
  const { client } = await RawClient.connect(port);
  assert.equal((await client.send('AUTH TLS')).code, 234);
  const secured = await client.upgrade(servername ? { servername } : {});
  return { client, secured };
}

describe('FTPS protocol', { skip }, () => {
  let certs: TestCerts;
  let main: CertPair;
  let t: TestServer;
  const logins: Session[] = [];

  before(async () => {
    certs = createTestCerts();
    main = certs.issue('localhost', ['127.0.0.1']);
    const sni = certs.issue('sni.test');
    t = await startTestServer({
      tls: { ...main.files, implicitPort: 0, sni: { 'SNI.test': { cert: sni.cert, key: sni.key } } },
    });
    t.server.on('login', (session) => logins.push(session));
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  it('lists AUTH TLS, PBSZ and PROT in FEAT only when TLS is configured', async () => {
    const { client } = await RawClient.connect(t.port);
    const feat = (await client.send('FEAT')).text;
    for (const line of [' AUTH TLS', ' PBSZ', ' PROT']) assert.ok(feat.split('\n').includes(line), feat);
    client.close();
    const plain = await startTestServer();
    try {
      const { client: other } = await RawClient.connect(plain.port);
      const text = (await other.send('FEAT')).text;
      assert.doesNotMatch(text, /AUTH TLS|PBSZ|PROT/);
      assert.equal((await other.send('AUTH TLS')).code, 502, 'not offered without tls: 502, not 500');
      other.close();
    } finally {
      await plain.close();
    }
  });

  it('answers PBSZ, PROT, CCC and AUTH in the order RFC 4217 requires', async () => {
    const { client } = await RawClient.connect(t.port);
    assert.equal((await client.send('PBSZ 0')).code, 503);
    assert.equal((await client.send('PROT P')).code, 503);
    assert.equal((await client.send('AUTH KERBEROS')).code, 504);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade();
    assert.equal((await client.send('AUTH TLS')).code, 503);
    assert.equal((await client.send('PROT P')).code, 503, 'PROT before PBSZ');
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT S')).code, 536);
    assert.equal((await client.send('PROT E')).code, 536);
    assert.equal((await client.send('PROT X')).code, 504);
    assert.equal((await client.send('PROT C')).code, 200);
    assert.equal((await client.send('PROT P')).code, 200);
    const ccc = await client.send('CCC');
    assert.equal(ccc.code, 534);
    assert.match(ccc.text, /refused/);
    await client.login();
    assert.match((await client.send('STAT')).text, /Control connection TLS-protected; data protected/);
    const gone = new Promise((resolve) => t.server.once('disconnect', resolve));
    client.close();
    await gone; // the session over the TLS socket is cleaned up when the client leaves
  });

  it('never executes plaintext commands pipelined after AUTH TLS', async () => {
    const { client } = await RawClient.connect(t.port);
    const before = logins.length;
    client.write('AUTH TLS\r\nUSER user\r\nPASS pass\r\nPARTIAL');
    assert.equal((await client.read()).code, 234);
    await client.upgrade();
    // Had USER/PASS run, this would be 257; the partial line must not join this one either.
    assert.equal((await client.send('PWD')).code, 530);
    assert.equal(logins.length, before, 'no login happened');
    await client.login();
    assert.equal((await client.send('PWD')).code, 257);
    client.close();
  });

  it('speaks TLS from the first byte on the implicit port', async () => {
    const { client, banner } = await RawClient.connectTls(t.server.implicitAddress!.port);
    assert.equal(banner.code, 220);
    assert.equal((await client.send('AUTH TLS')).code, 503);
    await client.login();
    assert.equal(logins.at(-1)?.secure, true);
    assert.equal(logins.at(-1)?.protectData, true);
    // Data is protected by default: read a listing through TLS without PBSZ/PROT.
    await t.fs.write('/implicit.txt', {}).then((w) => new Promise<void>((r) => w.end('x', () => r())));
    const data = await client.passive();
    client.write('NLST\r\n');
    assert.equal((await client.read()).code, 150);
    const secured = tlsConnect({ socket: data, rejectUnauthorized: false });
    const listing = await collect(secured);
    assert.equal((await client.read()).code, 226);
    assert.match(listing.toString(), /implicit\.txt\r\n/);
    client.close();
  });

  it('never answers plaintext on the implicit port', async () => {
    const socket = connect({ port: t.server.implicitAddress!.port, host: '127.0.0.1' });
    socket.on('error', () => {});
    socket.write('USER user\r\n');
    const received = await collect(socket).catch(() => Buffer.alloc(0));
    assert.doesNotMatch(received.toString('latin1'), /^\d{3} /m, 'no FTP reply in clear');
  });

  it('chooses the certificate by SNI name', async () => {
    const { client, secured } = await explicitTls(t.port, 'sni.test');
    assert.equal(commonName(secured), 'sni.test');
    client.close();
    const { client: other, secured: plainName } = await explicitTls(t.port);
    assert.equal(commonName(plainName), 'localhost');
    other.close();
  });

  it('replaces the certificate while running without dropping sessions', async () => {
    const { client: early, secured } = await explicitTls(t.port);
    assert.equal(commonName(secured), 'localhost');
    const renewed = certs.issue('renewed.test', ['127.0.0.1']);
    t.server.setSecureContext({ cert: renewed.cert, key: renewed.key });
    try {
      const { client: late, secured: fresh } = await explicitTls(t.port);
      assert.equal(commonName(fresh), 'renewed.test');
      late.close();
      // The session made before the change still works, data connections included.
      await early.login();
      assert.equal((await early.send('PBSZ 0')).code, 200);
      assert.equal((await early.send('PROT P')).code, 200);
      const data = await early.passive();
      early.write('LIST\r\n');
      assert.equal((await early.read()).code, 150);
      const listing = tlsConnect({ socket: data, rejectUnauthorized: false });
      await collect(listing);
      assert.equal((await early.read()).code, 226);
      early.close();
    } finally {
      t.server.setSecureContext(); // back to the configured files
    }
    const { client: again, secured: reloaded } = await explicitTls(t.port);
    assert.equal(commonName(reloaded), 'localhost');
    again.close();
  });
});

describe('HOST virtual hosts', { skip }, () => {
  let certs: TestCerts;
  let t: TestServer;
  const aliceFs = new MemoryFileSystem();

  before(async () => {
    certs = createTestCerts();
    const main = certs.issue('localhost', ['127.0.0.1']);
    t = await startTestServer({
      tls: { cert: main.cert, key: main.key },
      virtualHosts: {
        'Files.Example': {
          tls: certs.issue('files.example').files,
          greeting: 'Welcome to files.example',
          authenticate: ({ username, password, host }) => {
            if (username === 'alice' && password === 'secret' && host === 'files.example') return { fs: aliceFs };
            throw new AuthError('Unknown on this host.');
          },
        },
        'plain.example': {},
      },
    });
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  it('selects a virtual host before login: its certificate and its logins', async () => {
    const { client } = await RawClient.connect(t.port);
    assert.match((await client.send('FEAT')).text, /\n HOST\n/);
    const host = await client.send('HOST files.example');
    assert.equal(host.code, 220);
    assert.match(host.text, /Welcome to files\.example/);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    const secured = await client.upgrade();
    assert.equal(commonName(secured), 'files.example');
    await client.send('USER user');
    assert.equal((await client.send('PASS pass')).code, 530, 'the default users are not on this host');
    await client.login('alice', 'secret');
    assert.equal((await client.send('HOST plain.example')).code, 503, 'HOST after login');
    client.close();
  });

  it('refuses unknown hosts and keeps the default host otherwise', async () => {
    const { client } = await RawClient.connect(t.port);
    assert.equal((await client.send('HOST nowhere.example')).code, 504);
    assert.equal((await client.send('HOST [PLAIN.example.]')).code, 220);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    assert.equal(commonName(await client.upgrade()), 'localhost', 'a host without its own certificate uses the default');
    await client.login();
    client.close();
  });
});

describe('client-certificate login', { skip }, () => {
  let certs: TestCerts;
  let t: TestServer;
  let seen: PeerCertificate | undefined | null = null;

  before(async () => {
    certs = createTestCerts();
    const main = certs.issue('localhost', ['127.0.0.1']);
    const fs = new MemoryFileSystem();
    t = await startTestServer({
      tls: { cert: main.cert, key: main.key, ca: certs.ca.cert, requestCert: true },
      authenticate: ({ username, certificate }) => {
        seen = certificate;
        if (certificate?.subject.CN === username) return { fs };
        throw new AuthError('A client certificate for this user is required.');
      },
    });
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  it('passes a verified client certificate to authenticate', async () => {
    const clientCert = certs.issue('carol', [], 'client');
    const { client } = await RawClient.connect(t.port);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade({ cert: clientCert.cert, key: clientCert.key });
    await client.login('carol', 'anything');
    assert.equal(seen?.subject.CN, 'carol');
    client.close();
  });

  it('fails the handshake of a client without a trusted certificate under rejectUnauthorized', async () => {
    const main = certs.issue('strict.test', ['127.0.0.1']);
    const strict = await startTestServer({
      tls: { cert: main.cert, key: main.key, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: true },
    });
    try {
      const { client } = await RawClient.connect(strict.port);
      assert.equal((await client.send('AUTH TLS')).code, 234);
      // Under TLS 1.3 the client's side of the handshake completes before the server
      // refuses; the server then closes without ever answering.
      const outcome = await client.upgrade().then(
        () =>
          new Promise<string>((resolve) => {
            client.socket.once('close', () => resolve('closed'));
            client.read(5000).then((r) => resolve(`reply ${r.code}`), () => resolve('no close'));
            client.write('NOOP\r\n');
          }),
        () => 'handshake failed',
      );
      assert.ok(outcome === 'closed' || outcome === 'handshake failed', outcome);
      client.close();
      const trusted = certs.issue('dave', [], 'client');
      const { client: ok } = await RawClient.connect(strict.port);
      assert.equal((await ok.send('AUTH TLS')).code, 234);
      await ok.upgrade({ cert: trusted.cert, key: trusted.key });
      assert.equal((await ok.send('NOOP')).code, 200);
      ok.close();
    } finally {
      await strict.close();
    }
  });

  it('passes no certificate when the client has none or an untrusted one', async () => {
    const { client } = await RawClient.connect(t.port);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade();
    await client.send('USER carol');
    assert.equal((await client.send('PASS anything')).code, 530);
    assert.equal(seen, undefined);
    client.close();
    const stranger = createTestCerts();
    try {
      const forged = stranger.issue('carol', [], 'client');
      const { client: other } = await RawClient.connect(t.port);
      assert.equal((await other.send('AUTH TLS')).code, 234);
      await other.upgrade({ cert: forged.cert, key: forged.key });
      await other.send('USER carol');
      assert.equal((await other.send('PASS anything')).code, 530, 'a certificate from another CA is not trusted');
      other.close();
    } finally {
      stranger.remove();
    }
  });
});
