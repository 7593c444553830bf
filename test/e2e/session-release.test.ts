/**
 * A session that has ended must not stay reachable: at thousands of logins a second,
 * anything that holds finished sessions (a forgotten timer, a map entry) turns into
 * retained memory and garbage-collector work.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Session } from '@ftpkit/core';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { useServer } from '../support/fixture.js';
import { collectGarbage } from '../support/process-stats.js';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Let the current job end (WeakRefs stay alive until then), then collect. */
async function collectedAfterTurn(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  collectGarbage();
}

/** Whether `ref` is cleared by garbage collection within about a second. */
async function released(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 50 && ref.deref(); i++) await collectedAfterTurn();
  return ref.deref() === undefined;
}

describe('ended sessions are released', () => {
  const ftp = useServer();

  async function endedSession(end: 'QUIT' | 'vanish'): Promise<WeakRef<Session>> {
    const connected = new Promise<Session>((resolve) => ftp.server.server.once('connect', resolve));
    const client = await ftp.connect();
    const session = await connected;
    const ref = new WeakRef(session);
    const closed = session.whenClosed();
    if (end === 'QUIT') assert.equal((await client.send('QUIT')).code, 221);
    else client.socket.destroy();
    await closed;
    return ref;
  }

  for (const end of ['QUIT', 'vanish'] as const) {
    it(`after ${end === 'QUIT' ? 'QUIT' : 'the client vanished'}, nothing keeps the session alive`, async () => {
      const ref = await endedSession(end);
      assert.ok(await released(ref), 'the ended session is still reachable');
    });
  }
});

describe('ended FTPS sessions are released', { skip: hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates' }, () => {
  let certs: TestCerts;
  let t: TestServer;
  before(async () => {
    certs = createTestCerts();
    t = await startTestServer({ tls: certs.issue('localhost', ['127.0.0.1']).files });
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  /** A session that logged in over TLS and ended with QUIT; only a WeakRef to it leaves this frame. */
  async function endedTlsSession(): Promise<WeakRef<Session>> {
    const connected = new Promise<Session>((resolve) => t.server.once('connect', resolve));
    const { client } = await RawClient.connect(t.port);
    const session = await connected;
    const closed = session.whenClosed();
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade();
    await client.login();
    assert.equal((await client.send('QUIT')).code, 221);
    await closed;
    client.close();
    return new WeakRef(session);
  }

  it('after QUIT on a TLS control connection (ended with close_notify), nothing keeps the session alive', async () => {
    assert.ok(await released(await endedTlsSession()), 'the ended session is still reachable');
  });
});
