/** Transfers over the wire in passive and active modes: RETR STOR APPE STOU, REST, TYPE A. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { readAll, writeAll } from '@ftpkit/fs-testkit';
import { download, upload, type DataMode } from '../support/data.js';
import { useBackendServer, type Backend } from './backend.js';

const MODES: DataMode[] = ['passive', 'port', 'eprt'];

export function transferTests(backend: Backend): void {
  describe(`transfers (${backend.name})`, () => {
    const ctx = useBackendServer(backend);
    const { t } = ctx;
    const read = async (path: string) => readAll(await ctx.fs.read(path));

    for (const mode of MODES) {
      it(`STOR then RETR round-trips binary bytes (${mode})`, async () => {
        const client = await t.connect();
        await client.send('TYPE I');
        const data = randomBytes(mode === 'passive' ? 5 * 1024 * 1024 : 300 * 1024);
        const { preliminary } = await upload(client, `STOR /rt-${mode}.bin`, data, mode);
        assert.equal(preliminary.code, 150);
        assert.ok((await read(`/rt-${mode}.bin`)).equals(data), 'stored bytes');
        assert.ok((await download(client, `RETR /rt-${mode}.bin`, mode)).equals(data), 'downloaded bytes');
        assert.equal((await client.send(`SIZE /rt-${mode}.bin`)).text, `213 ${data.length}`);
      });
    }

    it('STOR replaces an existing file; an empty upload makes an empty file', async () => {
      const client = await t.connect();
      await client.send('TYPE I');
      await upload(client, 'STOR /replace.txt', 'first version, long');
      await upload(client, 'STOR /replace.txt', 'second');
      assert.equal((await read('/replace.txt')).toString(), 'second');
      await upload(client, 'STOR /empty.txt', '');
      assert.equal((await read('/empty.txt')).length, 0);
      assert.equal((await download(client, 'RETR /empty.txt')).length, 0);
    });

    it('RETR of a missing file or a directory answers 550; STOR into a missing directory 550', async () => {
      const client = await t.connect();
      await client.send('MKD /retr-dir');
      await client.passive();
      assert.equal((await client.send('RETR /no-such-file')).code, 550);
      assert.equal((await client.send('RETR /retr-dir')).code, 550);
      const stor = await client.send('STOR /no-such-dir/file.txt');
      assert.equal(stor.code, 550, stor.text);
    });

    it('a transfer without PASV/PORT first answers 425', async () => {
      await writeAll(ctx.fs, '/no-channel.txt', 'x');
      const client = await t.connect();
      assert.equal((await client.send('RETR /no-channel.txt')).code, 425);
      assert.equal((await client.send('STOR /no-channel-2.txt')).code, 425);
      assert.equal((await client.send('LIST')).code, 425);
    });

    it('REST then RETR sends the file from the offset, once', async () => {
      const data = randomBytes(100_000);
      await writeAll(ctx.fs, '/rest-retr.bin', data);
      const client = await t.connect();
      await client.send('TYPE I');
      assert.equal((await client.send('REST 40000')).code, 350);
      assert.ok((await download(client, 'RETR /rest-retr.bin')).equals(data.subarray(40000)));
      assert.ok((await download(client, 'RETR /rest-retr.bin')).equals(data), 'the offset is used once');
      await client.send(`REST ${data.length}`);
      assert.equal((await download(client, 'RETR /rest-retr.bin')).length, 0);
      await client.send(`REST ${data.length + 1}`);
      await client.passive();
      assert.equal((await client.send('RETR /rest-retr.bin')).code, 554);
    });

    it('REST then STOR resumes an interrupted upload', async () => {
      const data = randomBytes(200_000);
      const client = await t.connect();
      await client.send('TYPE I');
      await upload(client, 'STOR /resume.bin', data.subarray(0, 70_000));
      const size = Number((await client.send('SIZE /resume.bin')).text.slice(4));
      assert.equal(size, 70_000);
      assert.equal((await client.send(`REST ${size}`)).code, 350);
      await upload(client, 'STOR /resume.bin', data.subarray(size));
      assert.ok((await read('/resume.bin')).equals(data));
    });

    it('APPE appends to a file, and creates a missing one', async () => {
      const client = await t.connect();
      await client.send('TYPE I');
      await upload(client, 'APPE /appe.txt', 'one,');
      await upload(client, 'APPE /appe.txt', 'two,', 'port');
      await upload(client, 'APPE /appe.txt', 'three');
      assert.equal((await read('/appe.txt')).toString(), 'one,two,three');
    });

    it('STOU stores under a new unique name and reports it', async () => {
      await writeAll(ctx.fs, '/stou-existing', 'keep');
      const client = await t.connect();
      await client.send('TYPE I');
      const names = [];
      for (const arg of ['', ' stou-existing']) {
        const { preliminary, final } = await upload(client, `STOU${arg}`, 'unique');
        const name = /^150 FILE: (\S+)$/.exec(preliminary.text)?.[1];
        assert.ok(name, preliminary.text);
        assert.ok(final.text.includes(name), final.text);
        assert.equal((await read(`/${name}`)).toString(), 'unique');
        names.push(name);
      }
      assert.notEqual(names[0], names[1]);
      assert.equal((await read('/stou-existing')).toString(), 'keep');
    });

    it('TYPE A converts CRLF to LF on upload and LF to CRLF on download; TYPE I keeps bytes', async () => {
      const client = await t.connect();
      assert.equal((await client.send('TYPE A')).code, 200);
      await upload(client, 'STOR /ascii.txt', 'one\r\ntwo\r\n\r\nlone\rcr\r\n');
      assert.equal((await read('/ascii.txt')).toString(), 'one\ntwo\n\nlone\rcr\n');
      assert.equal((await download(client, 'RETR /ascii.txt')).toString(), 'one\r\ntwo\r\n\r\nlone\rcr\r\n');
      await client.send('TYPE I');
      assert.equal((await download(client, 'RETR /ascii.txt')).toString(), 'one\ntwo\n\nlone\rcr\n');
      await upload(client, 'STOR /binary.txt', 'a\r\nb');
      assert.equal((await read('/binary.txt')).toString(), 'a\r\nb');
    });

    it('TYPE A conversion of a large file split across many chunks', async () => {
      const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`);
      const file = `${lines.join('\n')}\n`;
      const client = await t.connect();
      await client.send('TYPE A');
      await upload(client, 'STOR /ascii-big.txt', Buffer.from(`${lines.join('\r\n')}\r\n`), 'eprt');
      assert.equal((await read('/ascii-big.txt')).toString(), file);
      assert.equal((await download(client, 'RETR /ascii-big.txt', 'port')).toString(), `${lines.join('\r\n')}\r\n`);
    });

    it('transfers names with spaces, a leading dash, quotes and unicode', async () => {
      const client = await t.connect();
      await client.send('TYPE I');
      for (const name of [' spaced name .txt', '-rf', "it's \"q\".txt", 'ünïcødé 日本語 🎉.bin']) {
        await upload(client, `STOR ${name}`, `content of ${name}`);
        assert.equal((await read(`/${name}`)).toString(), `content of ${name}`, name);
        assert.equal((await download(client, `RETR ${name}`)).toString(), `content of ${name}`, name);
      }
    });

    it('a read-only user can download but gets 550 on every write verb', async () => {
      await writeAll(ctx.fs, '/ro.txt', 'read me');
      await ctx.fs.mkdir('/ro-dir');
      const client = await t.connect({ user: 'reader', pass: 'reader' });
      assert.equal((await download(client, 'RETR /ro.txt')).toString(), 'read me');
      for (const line of ['STOR /ro-new.txt', 'APPE /ro.txt', 'STOU', 'DELE /ro.txt', 'RNFR /ro.txt', 'MKD /ro-x', 'XMKD /ro-x', 'RMD /ro-dir', 'XRMD /ro-dir', 'MFMT 20200101000000 /ro.txt', 'SITE CHMOD 777 /ro.txt']) {
        assert.equal((await client.send(line)).code, 550, line);
      }
      // Refused before any data connection is used: the next transfer still works.
      assert.equal((await download(client, 'RETR /ro.txt')).toString(), 'read me');
      assert.equal((await read('/ro.txt')).toString(), 'read me');
    });
  });
}
