/** lftp as a separate process, in passive and active mode. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readAll, writeAll } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';
import { LFTP_SETTINGS } from '../support/client-args.js';
import { run, runOk, skipUnless } from '../support/process.js';

describe('lftp', { skip: skipUnless('lftp') }, () => {
  const t = useServer();
  let dir: string;
  const lftp = (script: string, user = 'user,pass') =>
    run('lftp', ['-e', `${LFTP_SETTINGS}; ${script}; bye`, '-u', user, `ftp://127.0.0.1:${t.port}`], { cwd: dir, timeoutMs: 60_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-lftp-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const passive of [true, false]) {
    const mode = passive ? 'passive' : 'active';
    it(`mkdir, put, ls, get, mv, rm, rmdir (${mode})`, async () => {
      const data = randomBytes(5 * 1024 * 1024);
      await writeFile(join(dir, `up-${mode}.bin`), data);
      const remote = `/lftp-${mode}`;
      const result = await lftp(
        [
          `set ftp:passive-mode ${passive ? 'on' : 'off'}`,
          // Active runs parse LIST's ls -l lines instead of MLSD facts.
          `set ftp:use-mlsd ${passive ? 'on' : 'off'}`,
          `mkdir ${remote}`,
          `cd ${remote}`,
          `put up-${mode}.bin -o "big file.bin"`,
          'mkdir sub',
          'cls -l',
          `get "big file.bin" -o down-${mode}.bin`,
          'mv "big file.bin" "-moved ü.bin"',
          'echo AFTER-MOVE',
          'cls -1',
          'rm "./-moved ü.bin"', // ./ keeps lftp from reading the dash as an option
          'rmdir sub',
          'echo AFTER-RM',
          'cls -1',
        ].join('; '),
      );
      assert.equal(result.code, 0, result.stderr);
      const [listing = '', afterMove = '', afterRm = ''] = result.stdout.split(/AFTER-MOVE\n|AFTER-RM\n/);
      // cls prints what lftp parsed from the server's listing: mode, size, date, name.
      assert.match(listing, /^-rw\S+ +(\d+ +ftp +ftp +)?5242880 \w{3} [ \d]\d \d\d:\d\d big file\.bin$/m);
      assert.match(listing, /^d\S+ .* sub\/?$/m);
      assert.deepEqual(afterMove.split('\n').filter(Boolean).sort(), ['-moved ü.bin', 'sub/']);
      assert.equal(afterRm.trim(), '');
      assert.ok((await readFile(join(dir, `down-${mode}.bin`))).equals(data));
      await assert.rejects(t.fs.stat(`${remote}/-moved ü.bin`));
      assert.equal((await t.fs.stat(remote)).type, 'directory');
    });
  }

  it('mirrors a directory tree up and down', async () => {
    await t.fs.mkdir('/lftp-src');
    await t.fs.mkdir('/lftp-src/a');
    await writeAll(t.fs, '/lftp-src/a/one.txt', 'one');
    await writeAll(t.fs, '/lftp-src/two words.txt', 'two');
    const down = await lftp('mirror /lftp-src mirrored');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await readFile(join(dir, 'mirrored/a/one.txt'), 'utf8'), 'one');
    assert.equal(await readFile(join(dir, 'mirrored/two words.txt'), 'utf8'), 'two');
    const up = await lftp('mirror -R mirrored /lftp-copy');
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await readAll(await t.fs.read('/lftp-copy/a/one.txt'))).toString(), 'one');
  });

  it('fails cleanly on a wrong password and on a missing file', async () => {
    const login = await lftp('ls', 'user,wrong');
    assert.notEqual(login.code, 0);
    assert.match(login.stderr, /530/);
    const missing = await lftp('get /no-such-file -o nothing');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /550/);
  });

  it('a read-only user cannot upload', async () => {
    await runOk('sh', ['-c', 'echo x > ro.txt'], { cwd: dir });
    const result = await lftp('put ro.txt -o /lftp-ro.txt', 'reader,reader');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /550/);
    await assert.rejects(t.fs.stat('/lftp-ro.txt'));
  });
});
