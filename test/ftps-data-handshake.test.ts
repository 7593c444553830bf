/**
 * PROT P data connections: the server's side of the TLS handshake starts as soon as the
 * client connects, not when RETR/STOR arrives. curl handshakes right after connecting
 * and waits on it before sending its next commands (TYPE, SIZE, RETR): a server that
 * waited for RETR cost every curl FTPS transfer a stall of about 200 ms.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createTestCerts, hasOpenssl, type TestCerts } from './support/certs.js';
import { collect, RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates';

/** A logged-in PROT P session. */
async function protectedSession(port: number): Promise<RawClient> {
  const { client } = await RawClient.connect(port);
  assert.equal((await client.send('AUTH TLS')).code, 234);
  await client.upgrade();
  await client.login();
  assert.equal((await client.send('PBSZ 0')).code, 200);
  assert.equal((await client.send('PROT P')).code, 200);
  return client;
}

/** The TLS handshake on a data connection, or a rejection after `ms`. */
function handshakeWithin(socket: TLSSocket, ms: number): Promise<void> {
  return Promise.race([
    once(socket, 'secureConnect').then(() => undefined),
    sleep(ms).then(() => Promise.reject(new Error(`no TLS handshake on the data connection within ${ms} ms`))),
  ]);
}

describe('PROT P data connections', { skip }, () => {
  let certs: TestCerts;
  let t: TestServer;

  before(async () => {
    certs = createTestCerts();
    t = await startTestServer({ tls: certs.issue('localhost', ['127.0.0.1']).files });
    const file = await t.fs.write('/hello.txt');
    file.end('secret hello\n');
    await once(file, 'finish');
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  it('complete their TLS handshake before the transfer command, then carry it', async () => {
    const client = await protectedSession(t.port);
    try {
      const raw = await client.passive();
      const data = tlsConnect({ socket: raw, rejectUnauthorized: false });
      data.on('error', () => {});
      // Nothing else is sent until the handshake is done, as curl does.
      await handshakeWithin(data, 5000);
      assert.equal((await client.send('TYPE I')).code, 200);
      const received = collect(data);
      assert.equal((await client.send('RETR hello.txt')).code, 150);
      assert.equal((await client.read()).code, 226);
      assert.equal((await received).toString(), 'secret hello\n');

      const up = tlsConnect({ socket: await client.passive(), rejectUnauthorized: false });
      up.on('error', () => {});
      await handshakeWithin(up, 5000);
      assert.equal((await client.send('STOR up.txt')).code, 150);
      up.end('uploaded over TLS\n');
      assert.equal((await client.read()).code, 226);
      const chunks: Buffer[] = [];
      for await (const chunk of await t.fs.read('/up.txt')) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'uploaded over TLS\n');
    } finally {
      client.close();
    }
  });

  it('answer 425 to the transfer when the early handshake failed, and the session goes on', async () => {
    const client = await protectedSession(t.port);
    try {
      const raw = await client.passive();
      raw.write('this is not a TLS client hello\r\n\r\n');
      await once(raw, 'close');
      const opened = await client.send('RETR hello.txt');
      const final = opened.code === 150 ? await client.read() : opened;
      assert.equal(final.code, 425, final.text);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });
});
