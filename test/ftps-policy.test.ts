/**
 * TLS policy, server-wide and per user: TLS required before login, PROT P required
 * for data, and TLS session reuse on data connections (only when asked for).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { AuthError } from '@ftpkit/core';
import { Client } from 'basic-ftp';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { findPython, hasBinary, run } from './support/process.js';
import { createTestCerts, hasOpenssl, type TestCerts } from './support/certs.js';
import { collect, RawClient } from './support/raw-client.js';
import { startTestServer, type TestServer } from './support/server.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates';
const python = findPython();
const noPython = python ? false : 'python3 with ftplib is not installed';
const noCurl = hasBinary('curl') ? false : 'curl is not installed';
const noLftp = hasBinary('lftp') ? false : 'lftp is not installed';

/** Python ftplib: explicit FTPS, optionally PROT P, then NLST; prints the outcome. */
const PYTHON_NLST = `
import ftplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ftp = ftplib.FTP_TLS(context=ctx, timeout=20)
ftp.connect('127.0.0.1', int(sys.argv[1]))
ftp.login('user', 'pass')
if sys.argv[2] == 'P':
    ftp.prot_p()
try:
    print('OK', ftp.nlst('/'))
except ftplib.Error as reply:
    print('REFUSED', reply)
except OSError:
    # The data connection failed: the server's verdict is the next reply.
    try:
        ftp.getresp()
    except ftplib.Error as reply:
        print('REFUSED', reply)
`;

describe('TLS policy', { skip }, () => {
  let certs: TestCerts;
  let cert: string;
  let key: string;
  const servers: TestServer[] = [];

  before(() => {
    certs = createTestCerts();
    ({ cert, key } = certs.issue('localhost', ['127.0.0.1']));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    certs.remove();
  });

  async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const t = await startTestServer({ ...options, tls: { cert, key, ...options.tls } });
    servers.push(t);
    return t;
  }

  /** Explicit FTPS login with a raw client, PBSZ 0 and the given PROT level. */
  async function secureLogin(port: number, prot: 'C' | 'P', user = 'user', pass = 'pass'): Promise<RawClient> {
    const { client } = await RawClient.connect(port);
    assert.equal((await client.send('AUTH TLS')).code, 234);
    await client.upgrade();
    await client.login(user, pass);
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send(`PROT ${prot}`)).code, prot === 'C' ? 534 : 200);
    return client;
  }

  describe('requireTls', () => {
    it('refuses a plain login with 530 and a clear reason, and accepts it over TLS', async () => {
      const t = await server({ tls: { requireTls: true } });
      const { client } = await RawClient.connect(t.port);
      const refused = await client.send('USER user');
      assert.equal(refused.code, 530);
      assert.match(refused.text, /TLS required/);
      assert.equal((await client.send('PASS pass')).code, 503);
      assert.equal((await client.send('AUTH TLS')).code, 234);
      await client.upgrade();
      await client.login();
      client.close();
    });

    it('refuses a plain curl login and lets curl --ssl-reqd in', { skip: noCurl }, async () => {
      const t = await server({ tls: { requireTls: true } });
      const plain = await run('curl', ['-sS', '--user', 'user:pass', `ftp://127.0.0.1:${t.port}/`]);
      assert.notEqual(plain.code, 0);
      assert.match(plain.stderr, /530|denied/i);
      const secure = await run('curl', ['-sS', '-k', '--ssl-reqd', '--user', 'user:pass', `ftp://127.0.0.1:${t.port}/`]);
      assert.equal(secure.code, 0, secure.stderr);
    });

    it('applies per user, from the AuthResult', async () => {
      const fs = new MemoryFileSystem();
      const t = await server({
        authenticate: ({ username }) => {
          if (username === 'strict') return { fs, requireTls: true };
          if (username === 'relaxed') return { fs };
          throw new AuthError('Login incorrect.');
        },
      });
      const { client } = await RawClient.connect(t.port);
      await client.send('USER strict');
      const refused = await client.send('PASS x');
      assert.equal(refused.code, 530);
      assert.match(refused.text, /TLS required/);
      await client.login('relaxed', 'x');
      client.close();
      const strict = await secureLogin(t.port, 'P', 'strict', 'x');
      strict.close();
    });
  });

  describe('requireProtectedData', () => {
    it('refuses PROT C (534) and a transfer without PROT P (521)', async () => {
      const t = await server({ tls: { requireProtectedData: true } });
      const client = await secureLogin(t.port, 'C');
      const data = await client.passive();
      const refused = await client.send('LIST');
      assert.equal(refused.code, 521);
      data.destroy();
      // With PROT P the same session transfers.
      assert.equal((await client.send('PROT P')).code, 200);
      const protectedData = await client.passive();
      client.write('NLST\r\n');
      assert.equal((await client.read()).code, 150);
      await collect(tlsConnect({ socket: protectedData, rejectUnauthorized: false }));
      assert.equal((await client.read()).code, 226);
      client.close();
    });

    it('refuses Python ftplib without prot_p() and serves it with prot_p()', { skip: noPython }, async () => {
      const t = await server({ tls: { requireProtectedData: true } });
      const clear = await run(python!, ['-c', PYTHON_NLST, String(t.port), 'C']);
      assert.match(clear.stdout.toString(), /^REFUSED 521/m, clear.stderr);
      const secured = await run(python!, ['-c', PYTHON_NLST, String(t.port), 'P']);
      assert.match(secured.stdout.toString(), /^OK/m, secured.stderr);
    });

    it('applies per user, from the AuthResult', async () => {
      const fs = new MemoryFileSystem();
      const t = await server({ authenticate: ({ username }) => ({ fs, requireProtectedData: username === 'strict' }) });
      const strict = await secureLogin(t.port, 'C', 'strict', 'x');
      await strict.passive();
      assert.equal((await strict.send('LIST')).code, 521);
      strict.close();
      const { client: relaxed } = await RawClient.connect(t.port);
      await relaxed.login('relaxed', 'x');
      const data = await relaxed.passive();
      relaxed.write('LIST\r\n');
      assert.equal((await relaxed.read()).code, 150);
      await collect(data);
      assert.equal((await relaxed.read()).code, 226);
      relaxed.close();
    });
  });

  describe('requireSessionReuse', () => {
    it('is off by default: a client that does not resume (Python ftplib) transfers', { skip: noPython }, async () => {
      const t = await server();
      const r = await run(python!, ['-c', PYTHON_NLST, String(t.port), 'P']);
      assert.match(r.stdout.toString(), /^OK/m, r.stderr);
    });

    it('refuses a data connection that does not resume the TLS session (Python ftplib)', { skip: noPython }, async () => {
      const t = await server({ tls: { requireSessionReuse: true } });
      const replies: number[] = [];
      t.server.on('transfer-end', (e) => replies.push(e.result.reply.code));
      const r = await run(python!, ['-c', PYTHON_NLST, String(t.port), 'P']);
      assert.match(r.stdout.toString(), /^REFUSED/m, r.stderr);
      assert.deepEqual(replies, [425]);
    });

    it('refuses a raw TLS data connection that starts a new session', async () => {
      const t = await server({ tls: { requireSessionReuse: true } });
      const client = await secureLogin(t.port, 'P');
      const data = await client.passive();
      client.write('NLST\r\n');
      assert.equal((await client.read()).code, 150);
      tlsConnect({ socket: data, rejectUnauthorized: false }).on('error', () => {});
      const refused = await client.read();
      assert.equal(refused.code, 425);
      assert.match(refused.text, /not resumed/);
      client.close();
    });

    for (const version of ['1.2', '1.3'] as const) {
      it(`lets curl in, which resumes the session (TLS ${version})`, { skip: noCurl }, async () => {
        const t = await server({ tls: { requireSessionReuse: true } });
        const completed: boolean[] = [];
        t.server.on('transfer-end', (e) => completed.push(e.result.status === 'completed'));
        const base = ['-sS', '-k', '--ssl-reqd', `--tlsv${version}`, '--tls-max', version, '--user', 'user:pass'];
        const up = await run('curl', [...base, '-T', '-', `ftp://127.0.0.1:${t.port}/r.txt`], { input: 'resumed\n' });
        assert.equal(up.code, 0, up.stderr);
        const down = await run('curl', [...base, `ftp://127.0.0.1:${t.port}/r.txt`]);
        assert.equal(down.code, 0, down.stderr);
        assert.equal(down.stdout.toString(), 'resumed\n');
        assert.deepEqual(completed, [true, true]);
      });
    }

    it('lets basic-ftp in, which resumes the session', async () => {
      const t = await server({ tls: { requireSessionReuse: true } });
      const client = new Client(10_000);
      try {
        await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass', secure: true, secureOptions: { rejectUnauthorized: false } });
        await client.ensureDir('/basic-dir');
        assert.deepEqual((await client.list('/')).map((f) => f.name), ['basic-dir']);
      } finally {
        client.close();
      }
    });

    it('keeps resuming after the certificate was replaced', async () => {
      const t = await server({ tls: { requireSessionReuse: true } });
      const client = new Client(10_000);
      try {
        await client.access({ host: '127.0.0.1', port: t.port, user: 'user', password: 'pass', secure: true, secureOptions: { rejectUnauthorized: false } });
        await client.list('/');
        const renewed = certs.issue('renewed.test', ['127.0.0.1']);
        t.server.setSecureContext({ cert: renewed.cert, key: renewed.key });
        await client.ensureDir('/after-renewal');
        assert.deepEqual((await client.list('/')).map((f) => f.name), ['after-renewal']);
      } finally {
        client.close();
      }
    });

    it('lets lftp in, which resumes the session', { skip: noLftp }, async () => {
      const t = await server({ tls: { requireSessionReuse: true } });
      const settings = 'set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; set net:max-retries 1';
      const r = await run('lftp', ['-u', 'user,pass', '-e', `${settings}; mkdir lftp-dir; cls -1; bye`, `ftp://127.0.0.1:${t.port}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /^lftp-dir\/?$/m);
    });
  });
});
