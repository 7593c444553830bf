/** Hooks on TLS-protected sessions: beforeLogin's requireTls, `secure` in authenticate and the connection hook. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthRequest, ConnectionInfo } from '@ftpkit/core';
import { AuthError } from '@ftpkit/core';
import { createTestCerts, hasOpenssl, type TestCerts } from '../support/certs.js';
import { RawClient } from '../support/raw-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates';

describe('hooks on TLS sessions', { skip }, () => {
  let certs: TestCerts;
  let t: TestServer;
  const requests: AuthRequest[] = [];
  const connections: ConnectionInfo[] = [];

  before(async () => {
    certs = createTestCerts();
    const pair = certs.issue('localhost', ['127.0.0.1']);
    t = await startTestServer({
      tls: { ...pair.files, implicitPort: 0 },
      connection: (info) => {
        connections.push(info);
        return { accept: true, banner: info.secure ? 'Implicit FTPS ready.' : 'FTP ready.' };
      },
      beforeLogin: ({ username }) => (username === 'user' ? { requireTls: true } : undefined),
      authenticate: (request) => {
        requests.push(request);
        if (request.username === 'user' && request.password === 'pass') return { fs: t.fs };
        throw new AuthError('Login incorrect.');
      },
    });
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  it('refuses a requireTls user on a plain connection and accepts it after AUTH TLS', async () => {
    const { client, banner } = await RawClient.connect(t.port);
    try {
      assert.equal(banner.text, '220 FTP ready.');
      assert.equal(connections.at(-1)?.secure, false);
      const refused = await client.send('USER user');
      assert.equal(refused.code, 530);
      assert.match(refused.text, /TLS is required/);
      assert.equal((await client.send('AUTH TLS')).code, 234);
      await client.upgrade({ rejectUnauthorized: false });
      await client.login();
      assert.equal(requests.at(-1)?.secure, true);
    } finally {
      client.close();
    }
  });

  it('runs the connection hook after the implicit-FTPS handshake, with secure set', async () => {
    const { client, banner } = await RawClient.connectTls(t.server.implicitAddress!.port, { rejectUnauthorized: false });
    try {
      assert.equal(banner.text, '220 Implicit FTPS ready.');
      assert.equal(connections.at(-1)?.secure, true);
      await client.login();
    } finally {
      client.close();
    }
  });
});
