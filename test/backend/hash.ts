/** HASH and OPTS HASH over the wire against each backend (draft-bryan-ftpext-hash-02). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import { writeAll } from '@ftpkit/fs-testkit';
import { useBackendServer, type Backend } from './backend.js';

/** The expected digests of `data`, computed here independently of the server. */
function expected(data: Buffer): Record<string, string> {
  return {
    'SHA-256': createHash('sha256').update(data).digest('hex'),
    'SHA-1': createHash('sha1').update(data).digest('hex'),
    MD5: createHash('md5').update(data).digest('hex'),
    CRC32: crc32(data).toString(16).padStart(8, '0'),
  };
}

export function hashTests(backend: Backend): void {
  describe(`HASH (${backend.name})`, () => {
    const ctx = useBackendServer(backend);
    const { t } = ctx;

    it('FEAT stars the selected algorithm; OPTS HASH reports and selects; HASH answers 213 ALG 0-SIZE DIGEST NAME', async () => {
      const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));
      await ctx.fs.mkdir('/h');
      await writeAll(ctx.fs, '/h/file one.bin', data);
      const client = await t.connect();
      const feat = (await client.send('FEAT')).text.split('\n').map((l) => l.trim());
      assert.ok(feat.includes('HASH SHA-256*;SHA-1;MD5;CRC32'), feat.join('|'));
      assert.equal((await client.send('OPTS HASH')).text, '200 SHA-256');
      await client.send('CWD /h');
      for (const [alg, digest] of Object.entries(expected(data))) {
        assert.equal((await client.send(`OPTS HASH ${alg.toLowerCase()}`)).text, `200 ${alg}`);
        assert.equal((await client.send('HASH file one.bin')).text, `213 ${alg} 0-${data.length} ${digest} file one.bin`);
      }
      assert.ok((await client.send('FEAT')).text.includes(' HASH SHA-256;SHA-1;MD5;CRC32*'));
      assert.equal((await client.send('OPTS HASH CRC-37')).code, 501);
      assert.equal((await client.send('OPTS HASH')).text, '200 CRC32', 'an unknown name leaves the selection');
      await client.send('REIN');
      await client.login();
      assert.equal((await client.send('OPTS HASH')).text, '200 SHA-256', 'REIN resets the selection');
    });

    it('HASH of an empty file, a directory (553), a missing file (550), without argument (501)', async () => {
      await writeAll(ctx.fs, '/empty', '');
      await ctx.fs.mkdir('/hdir');
      const client = await t.connect();
      assert.equal((await client.send('HASH /empty')).text, `213 SHA-256 0-0 ${expected(Buffer.alloc(0))['SHA-256']} /empty`);
      assert.equal((await client.send('HASH /hdir')).code, 553);
      assert.equal((await client.send('HASH /missing')).code, 550);
      assert.equal((await client.send('HASH')).code, 501);
    });
  });
}
