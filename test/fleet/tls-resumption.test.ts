// TLS session tickets made by one node resume on another node that shares its state
// store (the ticket keys live there); nodes with stores of their own do not.
import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { MemoryStateStore, type StateStore } from '@ftpkit/core';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { RawClient } from '../support/raw-client.js';
import { serversClosedAfterFile } from '../support/server.js';

const start = serversClosedAfterFile();

describe('TLS resumption across nodes', { skip: hasOpenssl() ? false : 'openssl is not installed' }, () => {
  let certs: TestCerts;
  before(() => void (certs = createTestCerts()));
  after(() => certs?.remove());

  const node = async (state: StateStore) => {
    const { cert, key } = certs.issue('127.0.0.1');
    return (await start({ state, tls: { cert, key, implicit: true } })).port;
  };

  /** Resumed on `second` with the session the client got from `first`? */
  async function resumes(first: number, second: number): Promise<boolean> {
    const { client: a } = await RawClient.connectTls(first, { maxVersion: 'TLSv1.3' });
    assert.equal((await a.send('NOOP')).code, 200); // the ticket has arrived by now
    const session = (a.socket as TLSSocket).getSession();
    a.close();
    assert.ok(session, 'the first node issued a ticket');
    const { client: b, banner } = await RawClient.connectTls(second, { session });
    assert.equal(banner.code, 220);
    const reused = (b.socket as TLSSocket).isSessionReused();
    b.close();
    return reused;
  }

  test('a ticket from node A resumes on node B when they share the store', async () => {
    const shared = new MemoryStateStore();
    assert.equal(await resumes(await node(shared), await node(shared)), true);
  });

  test('without a shared store it does not', async () => {
    assert.equal(await resumes(await node(new MemoryStateStore()), await node(new MemoryStateStore())), false);
  });
});
