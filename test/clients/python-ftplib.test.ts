/** Python's ftplib as a separate process (test/clients/ftplib_client.py), passive and active. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { readAll } from '@ftpkit/fs-testkit';
import { useServer } from '../support/fixture.js';
import { runOk, skipUnless } from '../support/process.js';

const SCRIPT = fileURLToPath(new URL('./ftplib_client.py', import.meta.url));

describe('Python ftplib', { skip: skipUnless('python3', ['-c', 'import ftplib']) }, () => {
  const t = useServer();
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  for (const mode of ['passive', 'active'] as const) {
    it(`mkd, storbinary, storlines, retrbinary (with rest), nlst, mlsd, rename, delete (${mode})`, async () => {
      const local = await mkdtemp(join(tmpdir(), 'ftpkit-ftplib-'));
      dirs.push(local);
      const big = randomBytes(5 * 1024 * 1024);
      await writeFile(join(local, 'big.bin'), big);
      await writeFile(join(local, 'text.txt'), 'first line\nsecond line\n\nlast\n');
      const remote = `/py-${mode}`;
      const { stdout } = await runOk('python3', [SCRIPT, String(t.port), 'user', 'pass', local, remote, mode], { timeoutMs: 60_000 });
      const out = JSON.parse(stdout);

      assert.match(out.welcome, /^220 /);
      assert.equal(out.mkd, remote);
      assert.equal(out.pwd, remote);
      assert.match(out.storbinary, /^226 /);
      assert.match(out.storlines, /^226 /);
      assert.equal(out.size, big.length);
      assert.match(out.retrbinary, /^226 /);
      assert.ok((await readFile(join(local, 'big.down'))).equals(big), 'retrbinary bytes');
      assert.ok((await readFile(join(local, 'big.rest'))).equals(big.subarray(1000)), 'rest=1000 bytes');
      // storlines sends CRLF lines in TYPE A; the server stores them with LF.
      assert.equal((await readAll(await t.fs.read(`${remote}/text.txt`))).toString(), 'first line\nsecond line\n\nlast\n');
      assert.deepEqual(out.retrlines, ['first line', 'second line', '', 'last']);
      assert.deepEqual(out.nlst, ['big.bin', 'sub dir', 'text.txt', 'ünï -dash "q".txt']);
      assert.deepEqual(out.mlsd['big.bin'], { type: 'file', size: String(big.length), modify: out.mdtm.slice(4), perm: 'rawdf' });
      assert.equal(out.mlsd['sub dir'].type, 'dir');
      assert.match(out.rename, /^250 /);
      assert.equal(out.renamed_content, 'odd name');
      assert.match(out.delete, /^250 /);
      assert.match(out.rmd, /^250 /);
      assert.match(out.delete_missing, /^550 /);
      assert.deepEqual(out.nlst_after, ['big.bin', 'text.txt']);
      assert.match(out.quit, /^221 /);
    });
  }
});
