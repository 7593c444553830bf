/** File operations over the wire: DELE, RNFR/RNTO, SIZE, MDTM, MFMT. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAll, writeAll } from '@ftpkit/fs-testkit';
import { useBackendServer, type Backend } from './backend.js';

export function fileOperationTests(backend: Backend): void {
  describe(`file operations (${backend.name})`, () => {
    const ctx = useBackendServer(backend);
    const { t } = ctx;
    const exists = (path: string) => ctx.fs.stat(path).then(() => true, () => false);

    it('DELE removes a file; a missing file or a directory answers 550', async () => {
      await writeAll(ctx.fs, '/dele.txt', 'x');
      await ctx.fs.mkdir('/dele-dir');
      const client = await t.connect();
      assert.equal((await client.send('DELE /dele.txt')).code, 250);
      assert.equal(await exists('/dele.txt'), false);
      assert.equal((await client.send('DELE /dele.txt')).code, 550);
      assert.equal((await client.send('DELE /dele-dir')).code, 550);
      assert.equal(await exists('/dele-dir'), true);
    });

    it('RNFR/RNTO renames files and directories, also across directories', async () => {
      await writeAll(ctx.fs, '/ren.txt', 'content');
      await ctx.fs.mkdir('/ren-dir');
      await writeAll(ctx.fs, '/ren-dir/inner.txt', 'inner');
      await ctx.fs.mkdir('/ren-target');
      const client = await t.connect();
      assert.equal((await client.send('RNFR /ren.txt')).code, 350);
      assert.equal((await client.send('RNTO /ren-target/renamed "q" ü.txt')).code, 250);
      assert.equal((await readAll(await ctx.fs.read('/ren-target/renamed "q" ü.txt'))).toString(), 'content');
      assert.equal(await exists('/ren.txt'), false);
      assert.equal((await client.send('RNFR /ren-dir')).code, 350);
      assert.equal((await client.send('RNTO /ren-dir2')).code, 250);
      assert.equal((await readAll(await ctx.fs.read('/ren-dir2/inner.txt'))).toString(), 'inner');
    });

    it('RNTO without RNFR, or after another command, answers 503', async () => {
      await writeAll(ctx.fs, '/seq.txt', 'x');
      const client = await t.connect();
      assert.equal((await client.send('RNTO /seq2.txt')).code, 503);
      assert.equal((await client.send('RNFR /seq.txt')).code, 350);
      assert.equal((await client.send('NOOP')).code, 200);
      assert.equal((await client.send('RNTO /seq2.txt')).code, 503);
      assert.equal(await exists('/seq.txt'), true);
    });

    it('RNFR of a missing path answers 550; moving a directory into itself 553', async () => {
      await ctx.fs.mkdir('/self');
      const client = await t.connect();
      assert.equal((await client.send('RNFR /nope')).code, 550);
      assert.equal((await client.send('RNFR /self')).code, 350);
      assert.equal((await client.send('RNTO /self/inside')).code, 553);
      assert.equal((await client.send('RNFR /')).code, 550);
    });

    it('SIZE gives the byte size; directories and missing files answer 550', async () => {
      await writeAll(ctx.fs, '/size.bin', Buffer.alloc(12345));
      const client = await t.connect();
      await client.send('TYPE I');
      assert.equal((await client.send('SIZE /size.bin')).text, '213 12345');
      assert.equal((await client.send('SIZE /')).code, 550);
      assert.equal((await client.send('SIZE /missing')).code, 550);
    });

    it('MDTM gives the modification time as YYYYMMDDHHMMSS in UTC', async () => {
      await writeAll(ctx.fs, '/mdtm.txt', 'x');
      const mtime = (await ctx.fs.stat('/mdtm.txt')).mtime;
      const client = await t.connect();
      const reply = await client.send('MDTM /mdtm.txt');
      assert.equal(reply.code, 213);
      assert.equal(reply.text, `213 ${mtime.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`);
      assert.equal((await client.send('MDTM /missing')).code, 550);
    });

    it('MFMT sets the modification time (or 502 where the backend cannot)', async () => {
      await writeAll(ctx.fs, '/mfmt.txt', 'x');
      const client = await t.connect();
      const reply = await client.send('MFMT 20200229235958 /mfmt.txt');
      if (!ctx.fs.setTimes) return assert.equal(reply.code, 502);
      assert.equal(reply.text, '213 Modify=20200229235958; /mfmt.txt');
      assert.equal((await client.send('MDTM /mfmt.txt')).text, '213 20200229235958');
      assert.equal((await ctx.fs.stat('/mfmt.txt')).mtime.toISOString(), '2020-02-29T23:59:58.000Z');
      for (const bad of ['MFMT 20201301000000 /mfmt.txt', 'MFMT 2020 /mfmt.txt', 'MFMT 20200101000000', 'MFMT /mfmt.txt']) {
        assert.equal((await client.send(bad)).code, 501, bad);
      }
      assert.equal((await client.send('MFMT 20200101000000 /missing')).code, 550);
    });
  });
}
