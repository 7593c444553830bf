/**
 * The fs-local root jail over the wire: symbolic links planted in the served root that
 * lead to `/etc`, to a file outside and to a directory outside are refused (550) for
 * reading, listing, entering, writing, renaming, deleting and creating through them; the
 * outside files never change and are never served. A link that stays inside works.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { download, tryDownload, tryUpload } from '../support/data.js';
import { useServer } from '../support/fixture.js';
import type { RawClient } from '../support/raw-client.js';

const SECRET = 'outside secret\n';
/** Must never appear in /etc: STOR/MKD through the /etc link would create it. */
const ETC_PROBE = `ftpkit-jail-probe-${process.pid}`;

/**
 * Links to the outside, and for each: a file to read through it, an existing file to
 * write, rename and delete through it (only files this test owns: a jail regression
 * must never clobber the machine's /etc), the directory it is, and a new name in it.
 */
const ESCAPES = [
  { link: '/etc', read: '/etc/passwd', existing: undefined, dir: '/etc', fresh: `/etc/${ETC_PROBE}` },
  { link: '/outfile', read: '/outfile', existing: '/outfile', dir: undefined, fresh: undefined },
  { link: '/outdir', read: '/outdir/inner.txt', existing: '/outdir/inner.txt', dir: '/outdir', fresh: '/outdir/new.txt' },
] as const;

describe('fs-local jail over the wire', () => {
  let root = '';
  let outside = '';
  const t = useServer(async () => {
    outside = await mkdtemp(join(tmpdir(), 'ftpkit-jail-outside-'));
    await writeFile(join(outside, 'secret.txt'), SECRET);
    await mkdir(join(outside, 'dir'));
    await mkdir(join(outside, 'dir', 'empty'));
    await writeFile(join(outside, 'dir', 'inner.txt'), SECRET);
    root = await mkdtemp(join(tmpdir(), 'ftpkit-jail-root-'));
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub', 'f.txt'), 'inside\n');
    await writeFile(join(root, 'a.txt'), 'a\n');
    await symlink('/etc', join(root, 'etc'));
    await symlink(join(outside, 'secret.txt'), join(root, 'outfile'));
    await symlink(join(outside, 'dir'), join(root, 'outdir'));
    await symlink('sub', join(root, 'indir'));
    await symlink('sub/f.txt', join(root, 'infile'));
    return { fs: new LocalFileSystem({ root }) };
  });
  let outsideBefore = '';

  /** Everything observable about the outside tree and the /etc probe. */
  function snapshotOutside(): string {
    const secret = statSync(join(outside, 'secret.txt'));
    return JSON.stringify({
      secret: readFileSync(join(outside, 'secret.txt'), 'utf8'),
      mtime: secret.mtimeMs,
      mode: secret.mode,
      dir: readdirSync(join(outside, 'dir')).sort(),
      inner: readFileSync(join(outside, 'dir', 'inner.txt'), 'utf8'),
      etcProbe: existsSync(join('/etc', ETC_PROBE)),
    });
  }

  async function connect(): Promise<RawClient> {
    outsideBefore ||= snapshotOutside();
    const client = await t.connect();
    assert.equal((await client.send('TYPE I')).code, 200);
    return client;
  }

  afterEach(() => assert.equal(snapshotOutside(), outsideBefore, 'the outside is unchanged'));
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
    // Only there if the jail failed (and a test said so): do not leave it behind.
    await rm(join('/etc', ETC_PROBE), { recursive: true, force: true });
  });

  for (const { link, read, existing, dir, fresh } of ESCAPES) {
    it(`${link}: RETR, SIZE, MDTM, LIST, MLSD, NLST, MLST and CWD through it answer 550`, async () => {
      const client = await connect();
      const retr = await tryDownload(client, `RETR ${read}`);
      assert.equal(retr.preliminary.code, 550, retr.preliminary.text);
      assert.equal(retr.data.length, 0);
      for (const command of ['SIZE', 'MDTM', 'MLST']) assert.equal((await client.send(`${command} ${read}`)).code, 550, command);
      for (const command of ['LIST', 'MLSD', 'NLST']) {
        const listed = await tryDownload(client, `${command} ${dir ?? link}`);
        assert.equal(listed.preliminary.code, 550, `${command}: ${listed.preliminary.text}`);
        assert.equal(listed.data.length, 0);
      }
      assert.equal((await client.send(`CWD ${link}`)).code, 550);
      const pwd = await client.send('PWD');
      assert.match(pwd.text, /^257 "\/" /);
    });

    it(`${link}: STOR and APPE through it answer 550`, async () => {
      const client = await connect();
      for (const target of [existing, fresh]) {
        if (target === undefined) continue;
        for (const command of ['STOR', 'APPE']) {
          const { preliminary, final } = await tryUpload(client, `${command} ${target}`, 'overwritten\n');
          assert.equal(final.code, 550, `${command} ${target}: ${preliminary.text} / ${final.text}`);
        }
      }
    });

    it(`${link}: RNFR from it, RNTO into it, DELE, MKD and RMD through it answer 550`, async () => {
      const client = await connect();
      // RNFR and DELE of the link itself act on the link (see the last test).
      if (read !== link) assert.equal((await client.send(`RNFR ${read}`)).code, 550, `RNFR ${read}`);
      if (existing && existing !== link) assert.equal((await client.send(`DELE ${existing}`)).code, 550, `DELE ${existing}`);
      if (existing) {
        assert.equal((await client.send('RNFR /a.txt')).code, 350);
        assert.equal((await client.send(`RNTO ${existing}`)).code, 550, `RNTO onto ${existing}`);
      }
      if (fresh) {
        assert.equal((await client.send('RNFR /a.txt')).code, 350);
        assert.equal((await client.send(`RNTO ${fresh}`)).code, 550, `RNTO ${fresh}`);
        assert.equal((await client.send(`MKD ${fresh}`)).code, 550, `MKD ${fresh}`);
      }
      if (dir === '/outdir') assert.equal((await client.send('RMD /outdir/empty')).code, 550);
      assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a\n', '/a.txt stayed in place');
    });
  }

  it('a link planted while the server runs is refused too', async () => {
    const client = await connect();
    await symlink(join(outside, 'dir'), join(root, 'late'));
    assert.equal((await tryDownload(client, 'RETR /late/inner.txt')).preliminary.code, 550);
    assert.equal((await client.send('CWD /late')).code, 550);
    assert.equal((await tryUpload(client, 'STOR /late/planted.txt', 'x')).final.code, 550);
    await rm(join(root, 'late'));
  });

  it('an inside link works: CWD into it, RETR through it, shown as a link in LIST', async () => {
    const client = await connect();
    assert.equal((await download(client, 'RETR /infile')).toString(), 'inside\n');
    assert.equal((await download(client, 'RETR /indir/f.txt')).toString(), 'inside\n');
    assert.equal((await client.send('CWD /indir')).code, 250);
    assert.match((await client.send('PWD')).text, /^257 "\/indir" /);
    assert.equal((await download(client, 'RETR f.txt')).toString(), 'inside\n');
    assert.deepEqual((await download(client, 'NLST')).toString().split('\r\n').filter(Boolean), ['f.txt']);

    const lines = (await download(client, 'LIST /')).toString().split('\r\n').filter(Boolean);
    const line = (name: string) => lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `));
    assert.match(line('indir') ?? '', /^l\S+ .* indir -> \/sub$/);
    assert.match(line('infile') ?? '', /^l\S+ .* infile -> \/sub\/f\.txt$/);
    // Outside links are listed, but never with their host target.
    for (const name of ['etc', 'outfile', 'outdir']) assert.match(line(name) ?? '', new RegExp(`^l\\S+ .* ${name}$`), name);
    assert.ok(!lines.join('\n').includes(outside), 'no host path in the listing');
  });

  it('DELE of an outside link removes the link, never its target', async () => {
    const client = await connect();
    assert.equal((await client.send('DELE /outfile')).code, 250);
    assert.equal(existsSync(join(root, 'outfile')), false);
    await symlink(join(outside, 'secret.txt'), join(root, 'outfile'));
  });
});
