/**
 * ABOR of a directory RNTO on fs-s3 against s3rver: the rename copies object by object,
 * the signal stops it between copies, the copies made are removed, the source stays
 * whole, RNTO answers 426 and ABOR 226, and the session goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { startS3rver, type S3rverInstance } from '../../packages/fs-s3/test/s3rver.js';
import { useServer } from '../support/fixture.js';

const OBJECTS = 40;
/** Each CopyObject is held this long before it is sent, so the rename takes about 2 s. */
const COPY_DELAY_MS = 50;

let s3: S3rverInstance;
let client: S3Client;
let copies = 0;
before(async () => {
  s3 = await startS3rver();
  client = s3.client();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'CopyObjectCommand') {
        copies++;
        await sleep(COPY_DELAY_MS);
      }
      return next(args);
    },
    { step: 'initialize', name: 'slowCopies' },
  );
  for (let i = 0; i < OBJECTS; i++) {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `tree/f${i}.txt`, Body: `file ${i}` }));
  }
});
after(async () => {
  client.destroy();
  await s3.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '');
}

describe('fs-s3: ABOR of a directory rename', { timeout: 30_000 }, () => {
  const t = useServer(async () => ({
    fs: new S3FileSystem({ bucket: s3.bucket, client, copyConcurrency: 1, maxRenameObjects: 100 }),
  }));

  it('stops between copies, removes them, keeps the source, answers 426 then 226', async () => {
    const ftp = await t.connect();
    assert.equal((await ftp.send('RNFR /tree')).code, 350);
    ftp.write('RNTO /moved\r\n');
    while (copies === 0) await sleep(10); // the rename lists the tree first: ABOR once copying runs
    ftp.write('ABOR\r\n');
    const rnto = await ftp.read(10_000);
    assert.equal(rnto.code, 426, rnto.text);
    assert.equal((await ftp.read()).code, 226);
    const started = copies;
    assert.ok(started > 0 && started < OBJECTS, `${started} copies started`);
    await sleep(200);
    assert.equal(copies, started, 'copies went on after the rename answered');
    assert.deepEqual(await keysUnder('moved/'), []);
    assert.equal((await keysUnder('tree/')).length, OBJECTS);
    assert.equal((await ftp.send('CWD /tree')).code, 250);
    assert.equal((await ftp.send('SIZE /tree/f39.txt')).code, 213);
  });
});
