/**
 * The `ftpkit` program as a new user runs it (`--memory --user bench:bench`, and `--root
 * DIR`), driven by lftp, curl, rclone and Python's ftplib as separate processes. Each
 * client makes a directory, uploads, lists, downloads, renames and deletes; what is left
 * on the server is then checked over a separate connection (and on disk for --root).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startCli } from '../../packages/cli/test/support.js';
import { LFTP_SETTINGS, rclone, rcloneRemote } from '../support/client-args.js';
import { download } from '../support/data.js';
import { runOk, skipUnless } from '../support/process.js';
import { RawClient } from '../support/raw-client.js';

const FTPLIB_SCRIPT = fileURLToPath(new URL('../clients/ftplib_client.py', import.meta.url));
const USER = 'bench';
const PASS = 'bench';

for (const backend of ['memory', 'root'] as const) {
  describe(`ftpkit --${backend} --user bench:bench with real clients`, () => {
    let cli: Awaited<ReturnType<typeof startCli>>;
    let root = '';
    let local = '';
    const url = (path: string) => `ftp://127.0.0.1:${cli.port}${path}`;

    before(async () => {
      local = await mkdtemp(join(tmpdir(), 'ftpkit-cli-interop-'));
      root = await mkdtemp(join(tmpdir(), 'ftpkit-cli-root-'));
      const store = backend === 'memory' ? ['--memory'] : ['--root', root];
      cli = await startCli([...store, '--user', `${USER}:${PASS}`, '--port', '0']);
    });
    after(async () => {
      assert.equal(await cli?.stop(), 0, 'exits 0 on SIGTERM');
      await rm(local, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    });

    /** A fresh local directory for one client, holding `up.bin` (1 MiB, random) and `keep.bin`. */
    async function localFiles(name: string): Promise<{ dir: string; up: Buffer; keep: Buffer }> {
      const dir = join(local, name);
      const up = randomBytes(1024 * 1024);
      const keep = randomBytes(1000);
      await mkdir(dir);
      await writeFile(join(dir, 'up.bin'), up);
      await writeFile(join(dir, 'keep.bin'), keep);
      return { dir, up, keep };
    }

    /** What is left in `remote`, seen over a separate connection, is exactly `files`; with --root, on disk too. */
    async function expectRemote(remote: string, files: Record<string, Buffer>): Promise<void> {
      const { client } = await RawClient.connect(cli.port);
      try {
        await client.login(USER, PASS);
        assert.equal((await client.send('TYPE I')).code, 200);
        const names = (await download(client, `NLST ${remote}`)).toString().split(/\r\n/).filter(Boolean);
        assert.deepEqual(names.map((n) => n.replace(/^.*\//, '')).sort(), Object.keys(files).sort());
        for (const [name, bytes] of Object.entries(files)) {
          assert.ok((await download(client, `RETR ${remote}/${name}`)).equals(bytes), `${remote}/${name} over FTP`);
        }
      } finally {
        client.close();
      }
      if (backend === 'root') {
        // Exactly these files: no temporary upload files left beside them.
        assert.deepEqual((await readdir(join(root, remote))).sort(), Object.keys(files).sort());
        for (const [name, bytes] of Object.entries(files)) assert.ok((await readFile(join(root, remote, name))).equals(bytes));
      }
    }

    it('lftp: mkdir, put, cls -l, get, mv, rm', { skip: skipUnless('lftp') }, async () => {
      const { dir, up, keep } = await localFiles('lftp');
      const script = [
        'mkdir /lftp',
        'cd /lftp',
        'put up.bin -o a.bin',
        'put keep.bin',
        'cls -l',
        'get a.bin -o down.bin',
        'mv a.bin b.bin',
        'echo STEP',
        'cls -1',
        'rm b.bin',
        'echo STEP',
        'cls -1',
      ].join('; ');
      const { stdout } = await runOk('lftp', ['-e', `${LFTP_SETTINGS}; ${script}; bye`, '-u', `${USER},${PASS}`, url('')], { cwd: dir, timeoutMs: 60_000 });
      const [listing = '', renamed = '', deleted = ''] = stdout.split('STEP\n');
      assert.match(listing, /^-\S+ .* 1048576 \w{3} [ \d]\d [ \d]\d:?\d\d a\.bin$/m);
      assert.match(listing, /^-\S+ .* 1000 \w{3} [ \d]\d [ \d]\d:?\d\d keep\.bin$/m);
      assert.ok((await readFile(join(dir, 'down.bin'))).equals(up));
      assert.deepEqual(renamed.split('\n').filter(Boolean).sort(), ['b.bin', 'keep.bin']);
      assert.deepEqual(deleted.split('\n').filter(Boolean), ['keep.bin']);
      await expectRemote('/lftp', { 'keep.bin': keep });
    });

    it('curl: MKD, -T, list, download, RNFR/RNTO, DELE', { skip: skipUnless('curl') }, async () => {
      const { dir, up, keep } = await localFiles('curl');
      const curl = (...args: string[]) => runOk('curl', ['-sS', '--max-time', '30', '-u', `${USER}:${PASS}`, ...args]);
      // -Q commands run before curl changes into the URL's directory: paths are absolute.
      await curl('-Q', 'MKD /curl', url('/'));
      await curl('-T', join(dir, 'up.bin'), url('/curl/a.bin'));
      await curl('-T', join(dir, 'keep.bin'), url('/curl/'));
      const listing = (await curl(url('/curl/'))).stdout;
      assert.match(listing, /^-\S+ .* 1048576 \w{3} [ \d]\d [ \d]\d:?\d\d a\.bin\r?$/m);
      await curl('-o', join(dir, 'down.bin'), url('/curl/a.bin'));
      assert.ok((await readFile(join(dir, 'down.bin'))).equals(up));
      const renamed = (await curl('-Q', 'RNFR /curl/a.bin', '-Q', 'RNTO /curl/b.bin', '--list-only', url('/curl/'))).stdout;
      assert.deepEqual(renamed.split(/\r?\n/).filter(Boolean).sort(), ['b.bin', 'keep.bin']);
      const deleted = (await curl('-Q', 'DELE /curl/b.bin', '--list-only', url('/curl/'))).stdout;
      assert.deepEqual(deleted.split(/\r?\n/).filter(Boolean), ['keep.bin']);
      await expectRemote('/curl', { 'keep.bin': keep });
    });

    it('rclone: mkdir, copyto, lsl, copyto back, moveto, deletefile', { skip: skipUnless('rclone', ['version']) }, async () => {
      const { dir, up, keep } = await localFiles('rclone');
      const remote = `${await rcloneRemote(cli.port, USER, PASS)}/rclone`;
      await rclone('mkdir', remote);
      await rclone('copyto', join(dir, 'up.bin'), `${remote}/a.bin`);
      await rclone('copyto', join(dir, 'keep.bin'), `${remote}/keep.bin`);
      const lsl = (await rclone('lsl', remote)).stdout;
      assert.match(lsl, /^ *1048576 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ a\.bin$/m);
      assert.match(lsl, /^ *1000 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ keep\.bin$/m);
      await rclone('copyto', `${remote}/a.bin`, join(dir, 'down.bin'));
      assert.ok((await readFile(join(dir, 'down.bin'))).equals(up));
      await rclone('moveto', `${remote}/a.bin`, `${remote}/b.bin`);
      assert.deepEqual((await rclone('lsf', remote)).stdout.split('\n').filter(Boolean).sort(), ['b.bin', 'keep.bin']);
      await rclone('deletefile', `${remote}/b.bin`);
      assert.deepEqual((await rclone('lsf', remote)).stdout.split('\n').filter(Boolean), ['keep.bin']);
      await expectRemote('/rclone', { 'keep.bin': keep });
    });

    it('Python ftplib: mkd, stor, nlst/mlsd, retr, rename, delete, rmd', { skip: skipUnless('python3', ['-c', 'import ftplib']) }, async () => {
      // ftplib_client.py uploads big.bin and text.txt from the local directory, then
      // a third file it renames and deletes, and a directory it removes.
      const { dir, up } = await localFiles('ftplib');
      await writeFile(join(dir, 'big.bin'), up);
      await writeFile(join(dir, 'text.txt'), 'one\ntwo\n');
      const { stdout } = await runOk('python3', [FTPLIB_SCRIPT, String(cli.port), USER, PASS, dir, '/py'], { timeoutMs: 60_000 });
      const out = JSON.parse(stdout);
      assert.equal(out.mkd, '/py');
      assert.match(out.storbinary, /^226 /);
      assert.ok((await readFile(join(dir, 'big.down'))).equals(up));
      assert.deepEqual(out.nlst, ['big.bin', 'sub dir', 'text.txt', 'ünï -dash "q".txt']);
      assert.equal(out.mlsd['big.bin'].size, String(up.length));
      assert.match(out.rename, /^250 /);
      assert.equal(out.renamed_content, 'odd name');
      assert.match(out.delete, /^250 /);
      assert.match(out.rmd, /^250 /);
      assert.deepEqual(out.nlst_after, ['big.bin', 'text.txt']);
      await expectRemote('/py', { 'big.bin': up, 'text.txt': Buffer.from('one\ntwo\n') });
    });
  });
}
