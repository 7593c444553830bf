/**
 * Real FTPS clients against the server, explicit (AUTH TLS) and implicit: each one
 * uploads, lists, downloads and the bytes are compared. Every transfer must have run
 * over a protected data connection.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { hasBinary, findPython, run } from './support/process.js';
import { createTestCerts, hasOpenssl, type TestCerts } from './support/certs.js';
import { startTestServer, type TestServer } from './support/server.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to generate test certificates';
const python = findPython();

/** Python ftplib over explicit FTPS with PROT P, certificate checks off. */
const PYTHON_SCRIPT = `
import ftplib, ssl, sys
port, local, remote, back = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ftp = ftplib.FTP_TLS(context=ctx, timeout=20)
ftp.connect('127.0.0.1', port)
ftp.login('user', 'pass')
ftp.prot_p()
with open(local, 'rb') as f:
    ftp.storbinary('STOR ' + remote, f)
names = [name for name, facts in ftp.mlsd('/')]
assert remote in names, names
assert remote in ftp.nlst('/'), 'NLST'
with open(back, 'wb') as f:
    ftp.retrbinary('RETR ' + remote, f.write)
ftp.quit()
`;

describe('FTPS with real clients', { skip }, () => {
  let certs: TestCerts;
  let t: TestServer;
  let implicitPort: number;
  const transfers: { command: string; protectedData: boolean; status: string }[] = [];
  const verbs: string[] = [];

  before(async () => {
    certs = createTestCerts();
    const { cert, key } = certs.issue('localhost', ['127.0.0.1']);
    t = await startTestServer({ tls: { cert, key, implicitPort: 0 } });
    implicitPort = t.server.implicitAddress!.port;
    t.server.on('command', (e) => verbs.push(e.verb));
    t.server.on('transfer-end', (e) =>
      transfers.push({ command: e.command, protectedData: e.session.protectData, status: e.result.status }),
    );
  });
  after(async () => {
    await t.close();
    certs.remove();
  });

  /** A fresh local file of random bytes. */
  function payload(name: string, size = 300_000): { path: string; bytes: Buffer } {
    const bytes = randomBytes(size);
    const path = join(certs.dir, name);
    writeFileSync(path, bytes);
    return { path, bytes };
  }

  /** What the server stored under `path`. */
  async function stored(path: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await t.fs.read(path, {})) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  const curl = hasBinary('curl') ? false : 'curl is not installed';
  const curlArgs = ['-sS', '-k', '--user', 'user:pass'];

  it('curl: explicit FTPS (--ssl-reqd), STOR APPE LIST NLST RETR', { skip: curl }, async () => {
    const { path, bytes } = payload('curl.bin');
    const base = `ftp://127.0.0.1:${t.port}`;
    let r = await run('curl', [...curlArgs, '--ssl-reqd', '-T', path, `${base}/curl.bin`]);
    assert.equal(r.code, 0, r.stderr);
    r = await run('curl', [...curlArgs, '--ssl-reqd', '--append', '-T', path, `${base}/curl.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await stored('/curl.bin'), Buffer.concat([bytes, bytes]));
    r = await run('curl', [...curlArgs, '--ssl-reqd', `${base}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /600000 .* curl\.bin\r?\n/);
    r = await run('curl', [...curlArgs, '--ssl-reqd', '--list-only', `${base}/`]);
    assert.match(r.stdout.toString(), /^curl\.bin\r?$/m);
    r = await run('curl', [...curlArgs, '--ssl-reqd', `${base}/curl.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdoutBytes, Buffer.concat([bytes, bytes]));
  });

  it('curl: implicit FTPS (ftps://)', { skip: curl }, async () => {
    const { path, bytes } = payload('curl-implicit.bin');
    const base = `ftps://127.0.0.1:${implicitPort}`;
    let r = await run('curl', [...curlArgs, '-T', path, `${base}/curl-implicit.bin`]);
    assert.equal(r.code, 0, r.stderr);
    r = await run('curl', [...curlArgs, `${base}/`]);
    assert.match(r.stdout.toString(), /curl-implicit\.bin/);
    r = await run('curl', [...curlArgs, `${base}/curl-implicit.bin`]);
    assert.deepEqual(r.stdoutBytes, bytes);
  });

  const lftp = hasBinary('lftp') ? false : 'lftp is not installed';
  const lftpSettings = 'set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; set net:max-retries 1; set net:timeout 10';

  async function lftpRoundTrip(url: string, name: string, settings = ''): Promise<void> {
    const { path, bytes } = payload(name);
    const back = `${path}.back`;
    const script = `${lftpSettings}; ${settings} put ${path} -o ${name}; cls -1; get ${name} -o ${back}; bye`;
    const r = await run('lftp', ['-u', 'user,pass', '-e', script, url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), new RegExp(`^${name}$`, 'm'));
    assert.deepEqual(readFileSync(back), bytes);
    assert.deepEqual(await stored(`/${name}`), bytes);
  }

  it('lftp: explicit FTPS (ftp:ssl-force, ftp:ssl-protect-data)', { skip: lftp }, async () => {
    await lftpRoundTrip(`ftp://127.0.0.1:${t.port}`, 'lftp.bin');
  });

  it('lftp: explicit FTPS in active mode (the server connects, then TLS)', { skip: lftp }, async () => {
    const before = verbs.length;
    await lftpRoundTrip(`ftp://127.0.0.1:${t.port}`, 'lftp-active.bin', 'set ftp:passive-mode off;');
    const used = verbs.slice(before);
    assert.ok(used.includes('PORT') || used.includes('EPRT'), used.join(' '));
    assert.ok(!used.includes('PASV') && !used.includes('EPSV'), used.join(' '));
  });

  it('lftp: implicit FTPS (ftps://)', { skip: lftp }, async () => {
    await lftpRoundTrip(`ftps://127.0.0.1:${implicitPort}`, 'lftp-implicit.bin');
  });

  it('Python ftplib FTP_TLS with prot_p()', { skip: python ? false : 'python3 with ftplib is not installed' }, async () => {
    const { path, bytes } = payload('python.bin');
    const back = `${path}.back`;
    const r = await run(python!, ['-c', PYTHON_SCRIPT, String(t.port), path, 'python.bin', back]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(back), bytes);
    assert.deepEqual(await stored('/python.bin'), bytes);
  });

  for (const secure of [true, 'implicit'] as const) {
    it(`basic-ftp with secure: ${String(secure)}`, async () => {
      const client = new Client(10_000);
      try {
        await client.access({
          host: '127.0.0.1',
          port: secure === 'implicit' ? implicitPort : t.port,
          user: 'user',
          password: 'pass',
          secure,
          secureOptions: { rejectUnauthorized: false },
        });
        const bytes = randomBytes(200_000);
        const name = `basic-${String(secure)}.bin`;
        const source = new PassThrough();
        source.end(bytes);
        await client.uploadFrom(source, name);
        assert.ok((await client.list('/')).some((f) => f.name === name && f.size === bytes.length));
        const chunks: Buffer[] = [];
        const sink = new Writable({
          write(chunk: Buffer, _enc, done) {
            chunks.push(chunk);
            done();
          },
        });
        await client.downloadTo(sink, name);
        assert.deepEqual(Buffer.concat(chunks), bytes);
      } finally {
        client.close();
      }
    });
  }

  const rclone = hasBinary('rclone', ['version']) ? false : 'rclone is not installed';

  async function rcloneRoundTrip(port: number, tlsFlag: string, name: string): Promise<void> {
    const obscured = (await run('rclone', ['obscure', 'pass'])).stdout.toString().trim();
    const flags = ['--config', join(certs.dir, 'rclone.conf'), '--ftp-host', '127.0.0.1', '--ftp-port', String(port),
      '--ftp-user', 'user', '--ftp-pass', obscured, tlsFlag, '--ftp-no-check-certificate', '--low-level-retries', '1', '--retries', '1'];
    const { path, bytes } = payload(name);
    let r = await run('rclone', ['copyto', path, `:ftp:${name}`, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    r = await run('rclone', ['lsf', ':ftp:', ...flags]);
    assert.match(r.stdout.toString(), new RegExp(`^${name}$`, 'm'));
    r = await run('rclone', ['cat', `:ftp:${name}`, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdoutBytes, bytes);
  }

  it('rclone: explicit FTPS (--ftp-explicit-tls)', { skip: rclone }, async () => {
    await rcloneRoundTrip(t.port, '--ftp-explicit-tls', 'rclone.bin');
  });

  it('rclone: implicit FTPS (--ftp-tls)', { skip: rclone }, async () => {
    await rcloneRoundTrip(implicitPort, '--ftp-tls', 'rclone-implicit.bin');
  });

  it('ran every transfer command over protected data connections', () => {
    const seen = new Set(transfers.filter((e) => e.status === 'completed').map((e) => e.command));
    // basic-ftp always runs (STOR, MLSD, RETR); curl adds APPE, LIST and NLST.
    const expected = ['STOR', 'RETR', 'MLSD', ...(curl ? [] : ['APPE', 'LIST', 'NLST'])];
    for (const command of expected) assert.ok(seen.has(command), `${command} in ${[...seen].join(' ')}`);
    assert.deepEqual(transfers.filter((e) => !e.protectedData), [], 'no clear data connection');
    assert.deepEqual(transfers.filter((e) => e.status !== 'completed'), [], 'every transfer completed');
  });
});
