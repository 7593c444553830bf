import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { createTestCerts, hasOpenssl, type CertPair, type TestCerts } from '../../../test/support/certs.js';
import { run, startCli } from './support.js';

const insecure = { rejectUnauthorized: false };

describe('ftpkit --tls-cert/--tls-key', { skip: hasOpenssl() ? false : 'openssl not installed' }, () => {
  let certs: TestCerts;
  let server: CertPair;
  before(() => {
    certs = createTestCerts();
    server = certs.issue('localhost', ['127.0.0.1']);
  });
  after(() => certs.remove());

  it('with --require-tls refuses a plain login and serves FTPS with PROT P', async () => {
    const cli = await startCli(['--port', '0', '--user', 'tess:pw', '--tls-cert', server.files.certFile, '--tls-key', server.files.keyFile, '--require-tls']);
    const plain = new Client();
    const secure = new Client();
    try {
      assert.match(cli.output(), /TLS required/);
      await assert.rejects(plain.access({ host: '127.0.0.1', port: cli.port, user: 'tess', password: 'pw' }), /530/);
      await secure.access({ host: '127.0.0.1', port: cli.port, user: 'tess', password: 'pw', secure: true, secureOptions: insecure });
      await secure.uploadFrom(Readable.from([Buffer.from('over tls\n')]), 'secret.txt');
      const chunks: Buffer[] = [];
      await secure.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), 'secret.txt');
      assert.equal(Buffer.concat(chunks).toString(), 'over tls\n');
    } finally {
      plain.close();
      secure.close();
      await cli.stop();
    }
  });

  it('with --implicit-tls speaks TLS from the first byte', async () => {
    const cli = await startCli(['--port', '0', '--user', 'tess:pw', '--tls-cert', server.files.certFile, '--tls-key', server.files.keyFile, '--implicit-tls']);
    const client = new Client();
    try {
      assert.match(cli.output(), /listening on ftps:\/\//);
      await client.access({ host: '127.0.0.1', port: cli.port, user: 'tess', password: 'pw', secure: 'implicit', secureOptions: insecure });
      assert.deepEqual(await client.list(), []);
    } finally {
      client.close();
      await cli.stop();
    }
  });

  it('exits 2 when a TLS flag lacks its partner', async () => {
    for (const args of [['--tls-cert', 'x.pem'], ['--implicit-tls'], ['--require-tls']]) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, /^ftpkit: .*--tls-/);
    }
  });
});
