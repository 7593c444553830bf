import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3FileSystem } from '../src/index.js';
import { listNames, readFile, recordCommands, useS3rver, writeFile } from './helpers.js';

describe('S3FileSystem directories and listings', () => {
  const s3 = useS3rver();
  let fs: S3FileSystem;

  before(() => {
    fs = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client });
  });

  const putRaw = (key: string, body = 'x') =>
    s3.client.send(new PutObjectCommand({ Bucket: s3.server.bucket, Key: key, Body: body }));

  test('mkdir writes a zero-byte marker and makes an empty directory', async () => {
    await fs.mkdir('/empty');
    const marker = await s3.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'empty/' }));
    assert.equal(marker.ContentLength, 0);
    const stat = await fs.stat('/empty');
    assert.equal(stat.type, 'directory');
    assert.equal(stat.name, 'empty');
    assert.deepEqual(await listNames(fs, '/empty'), []);
    await assert.rejects(fs.mkdir('/empty'), { code: 'AlreadyExists' });
    await assert.rejects(fs.mkdir('/missing/child'), { code: 'NotFound' });
  });

  test('a prefix holding objects but no marker is still a directory', async () => {
    await putRaw('implicit/deep/file.txt', 'hi');
    assert.equal((await fs.stat('/implicit')).type, 'directory');
    assert.equal((await fs.stat('/implicit/deep')).type, 'directory');
    assert.deepEqual(await listNames(fs, '/implicit'), ['deep']);
    assert.equal((await readFile(fs, '/implicit/deep/file.txt')).toString(), 'hi');
    await writeFile(fs, '/implicit/new.txt', 'parent exists without a marker');
  });

  test("list shows files and subdirectories with sizes, not the directory's own marker", async () => {
    await fs.mkdir('/mixed');
    await fs.mkdir('/mixed/sub');
    await writeFile(fs, '/mixed/a.txt', 'abc');
    await writeFile(fs, '/mixed/z.txt', 'zz');
    const entries = [];
    for await (const e of fs.list('/mixed')) entries.push(e);
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.size]),
      [
        ['a.txt', 'file', 3],
        ['sub', 'directory', 0],
        ['z.txt', 'file', 2],
      ],
    );
    assert.ok(entries[0]!.mtime.getTime() > Date.now() - 60_000);
  });

  test('list refuses files and missing paths; the root always lists', async () => {
    await writeFile(fs, '/just-a-file', 'f');
    await assert.rejects(listNames(fs, '/just-a-file'), { code: 'NotADirectory' });
    await assert.rejects(listNames(fs, '/does-not-exist'), { code: 'NotFound' });
    assert.ok((await listNames(fs, '/')).includes('just-a-file'));
    assert.equal((await fs.stat('/')).type, 'directory');
    await assert.rejects(fs.stat('/does-not-exist'), { code: 'NotFound' });
  });

  test('rmdir refuses a non-empty directory, then removes the marker', async () => {
    await fs.mkdir('/full');
    await writeFile(fs, '/full/f', 'data');
    await assert.rejects(fs.rmdir('/full'), { code: 'NotEmpty' });
    await fs.remove('/full/f');
    await fs.rmdir('/full');
    await assert.rejects(fs.stat('/full'), { code: 'NotFound' });
    await assert.rejects(fs.rmdir('/full'), { code: 'NotFound' });
    await writeFile(fs, '/not-a-dir', 'f');
    await assert.rejects(fs.rmdir('/not-a-dir'), { code: 'NotADirectory' });
    await assert.rejects(fs.rmdir('/'), { code: 'PermissionDenied' });
  });

  test('remove deletes files and refuses directories and missing paths', async () => {
    await writeFile(fs, '/gone', 'x');
    await fs.remove('/gone');
    await assert.rejects(fs.stat('/gone'), { code: 'NotFound' });
    await assert.rejects(fs.remove('/gone'), { code: 'NotFound' });
    await fs.mkdir('/a-dir');
    await assert.rejects(fs.remove('/a-dir'), { code: 'IsADirectory' });
  });

  test('a prefix jails the file system', async () => {
    await putRaw('users/alice/notes.txt', 'alice');
    await putRaw('users/bob/secret.txt', 'bob');
    const alice = new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, prefix: '/users/alice' });
    assert.deepEqual(await listNames(alice, '/'), ['notes.txt']);
    await assert.rejects(alice.stat('/secret.txt'), { code: 'NotFound' });
    await alice.mkdir('/docs');
    await writeFile(alice, '/docs/a.txt', 'A');
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.server.bucket, Key: 'users/alice/docs/a.txt' }));
    assert.equal(head.ContentLength, 1);
  });

  test('listings page through ListObjectsV2 and yield entries before later pages are fetched', async () => {
    const paged = s3.server.client();
    const log = recordCommands(paged);
    const small = new S3FileSystem({ bucket: s3.server.bucket, client: paged, listPageSize: 7 });
    await small.mkdir('/paged');
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const name = `f${String(i).padStart(2, '0')}`;
      expected.push(name);
      await writeFile(small, `/paged/${name}`, name);
    }
    for (let i = 0; i < 5; i++) {
      expected.push(`sub${i}`);
      await small.mkdir(`/paged/sub${i}`);
    }
    const before = log.count('ListObjectsV2Command');
    const iterator = small.list('/paged')[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(log.count('ListObjectsV2Command') - before, 1, 'only the first page was fetched');
    const names = [first.value!.name];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) names.push(r.value.name);
    assert.deepEqual(names.sort(), expected.sort());
    // 40 files + 5 prefixes + the marker at 7 keys per page (s3rver packs pages a little
    // differently from S3, so allow 6 or 7 pages).
    assert.ok(log.count('ListObjectsV2Command') - before >= 6);
    paged.destroy();
  });

  test('a 10,000-object directory streams completely, the first entry after one page', async () => {
    const observed = s3.server.client();
    const log = recordCommands(observed);
    const big = new S3FileSystem({ bucket: s3.server.bucket, client: observed });
    const count = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const i = next++;
          await putRaw(`big/entry-${i}`, String(i));
        }
      }),
    );
    const before = log.count('ListObjectsV2Command');
    const seen = new Set<string>();
    for await (const entry of big.list('/big')) {
      if (seen.size === 0) assert.equal(log.count('ListObjectsV2Command') - before, 1);
      assert.ok(!seen.has(entry.name), `${entry.name} twice`);
      seen.add(entry.name);
    }
    assert.equal(seen.size, count);
    assert.equal(log.count('ListObjectsV2Command') - before, count / 1000);
    observed.destroy();
  });
});
