/** curl as a separate process: uploads, downloads, listings, quote commands, resume, active mode. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readAll, writeAll } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';
import { run, runOk, skipUnless } from '../support/process.js';

describe('curl', { skip: skipUnless('curl') }, () => {
  const t = useServer();
  let dir: string;
  const url = (path: string) => `ftp://127.0.0.1:${t.port}${path.split('/').map(encodeURIComponent).join('/')}`;
  const curl = (...args: string[]) => runOk('curl', ['-sS', '--max-time', '30', '-u', 'user:pass', ...args]);
  const stored = async (path: string) => readAll(await t.fs.read(path));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-curl-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const [mode, flags] of [
    ['passive (EPSV)', []],
    ['passive (PASV)', ['--disable-epsv']],
    ['active (EPRT)', ['-P', '127.0.0.1']],
    ['active (PORT)', ['-P', '127.0.0.1', '--disable-eprt']],
  ] as const) {
    it(`uploads and downloads a 5 MiB random file, ${mode}`, async () => {
      const name = `curl ${mode.replace(/\W+/g, '-')} ünï.bin`;
      const data = randomBytes(5 * 1024 * 1024);
      await writeFile(join(dir, 'up.bin'), data);
      await curl(...flags, '--ftp-create-dirs', '-T', join(dir, 'up.bin'), url(`/curl/deep/dirs/${name}`));
      assert.ok((await stored(`/curl/deep/dirs/${name}`)).equals(data));
      await curl(...flags, '-o', join(dir, 'down.bin'), url(`/curl/deep/dirs/${name}`));
      assert.ok((await readFile(join(dir, 'down.bin'))).equals(data));
      const listing = (await curl(...flags, url('/curl/deep/dirs/'))).stdout;
      assert.match(listing, new RegExp(` 5242880 \\w{3} [ \\d]\\d \\d\\d:\\d\\d ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r?\\n`));
    });
  }

  it('lists names only (NLST) and a directory with names that need quoting', async () => {
    await t.fs.mkdir('/curl-ls');
    for (const name of ['-dash', 'sp ace', 'q"uote', '日本']) await writeAll(t.fs, `/curl-ls/${name}`, name);
    const names = (await curl('--list-only', url('/curl-ls/'))).stdout.split(/\r?\n/).filter(Boolean);
    assert.deepEqual(names.sort(), ['-dash', 'q"uote', 'sp ace', '日本'].sort());
  });

  it('runs DELE, RNFR/RNTO and MKD through -Q', async () => {
    await writeAll(t.fs, '/curl-q-a.txt', 'a');
    await writeAll(t.fs, '/curl-q-b.txt', 'b');
    await curl('-Q', 'DELE /curl-q-a.txt', '-Q', 'RNFR /curl-q-b.txt', '-Q', 'RNTO /curl-q-c.txt', '-Q', 'MKD /curl-q-dir', '--list-only', url('/'));
    await assert.rejects(t.fs.stat('/curl-q-a.txt'));
    assert.equal((await stored('/curl-q-c.txt')).toString(), 'b');
    assert.equal((await t.fs.stat('/curl-q-dir')).type, 'directory');
  });

  it('fails with the server reply when a quote command is refused', async () => {
    const result = await run('curl', ['-sS', '--max-time', '30', '-u', 'user:pass', '-Q', 'DELE /curl-missing', url('/')]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /550/);
  });

  it('resumes a download (REST) and an upload (-C -, SIZE + APPE)', async () => {
    const data = randomBytes(300_000);
    await writeAll(t.fs, '/curl-resume.bin', data);
    await writeFile(join(dir, 'partial.bin'), data.subarray(0, 100_000));
    await curl('-C', '-', '-o', join(dir, 'partial.bin'), url('/curl-resume.bin'));
    assert.ok((await readFile(join(dir, 'partial.bin'))).equals(data));
    await writeAll(t.fs, '/curl-up-resume.bin', data.subarray(0, 123_456));
    await writeFile(join(dir, 'full.bin'), data);
    await curl('-C', '-', '-T', join(dir, 'full.bin'), url('/curl-up-resume.bin'));
    assert.ok((await stored('/curl-up-resume.bin')).equals(data));
  });

  it('converts line endings with --use-ascii (TYPE A) both ways', async () => {
    // curl sends LF as CRLF; the server stores LF again (unconverted it would keep CRLF).
    await writeFile(join(dir, 'text.txt'), 'one\ntwo\n');
    await curl('--use-ascii', '-T', join(dir, 'text.txt'), url('/curl-ascii.txt'));
    assert.equal((await stored('/curl-ascii.txt')).toString(), 'one\ntwo\n');
    // The server sends CRLF (checked byte-exact in the protocol tests); curl makes it LF again.
    await writeAll(t.fs, '/curl-ascii-down.txt', 'a\nb\n');
    assert.equal((await curl('--use-ascii', url('/curl-ascii-down.txt'))).stdout, 'a\nb\n');
  });

  it('reports a failed login and a missing file as errors', async () => {
    const login = await run('curl', ['-sS', '--max-time', '30', '-u', 'user:wrong', url('/')]);
    assert.equal(login.code, 67, login.stderr); // CURLE_LOGIN_DENIED
    const missing = await run('curl', ['-sS', '--max-time', '30', '-u', 'user:pass', url('/nope.txt')]);
    assert.equal(missing.code, 78, missing.stderr); // CURLE_REMOTE_FILE_NOT_FOUND
  });
});
