/**
 * Resumable uploads on fs-s3 (real s3rver): an upload cut off mid-way keeps its
 * multipart upload, SIZE shows the bytes S3 holds, and REST+STOR (lftp `put -c`) or
 * APPE (curl `-C -`) at that size continues the same upload. The S3 requests of a
 * resume are counted to show that nothing already stored is sent again.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { S3FileSystem } from '@ftpkit/fs-s3';
import { MemoryResumeStore } from '../../packages/fs-s3/src/resume-store.js';
import { patternBytes, recordCommands, sha256, useS3rver, type CommandLog } from '../../packages/fs-s3/test/helpers.js';
import { LFTP_SETTINGS } from '../support/client-args.js';
import { startTransfer, tryUpload, upload } from '../support/data.js';
import { useServer } from '../support/fixture.js';
import { runOk, skipUnless } from '../support/process.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
/** 17 MiB and a bit: parts of 5, 5, 5 and 2 MiB. */
const DATA = patternBytes(17 * MiB + 1234, 5);

const s3 = useS3rver();
let log: CommandLog | undefined;
/** Every S3 command the test client sends, recorded from the first use on. */
const commands = (): CommandLog => (log ??= recordCommands(s3.client));

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function openUploads(): Promise<{ key: string; id: string }[]> {
  const out = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.server.bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key ?? '', id: u.UploadId ?? '' }));
}

async function objectBytes(key: string): Promise<Buffer> {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.server.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The S3 commands sent while `run` runs, counted by name. */
async function requestsOf(run: () => Promise<void>): Promise<Record<string, number>> {
  const from = commands().names.length;
  await run();
  const counts: Record<string, number> = {};
  for (const name of commands().names.slice(from)) counts[name.replace(/Command$/, '')] = (counts[name.replace(/Command$/, '')] ?? 0) + 1;
  return counts;
}

describe('fs-s3: resumable uploads', { timeout: 60_000 }, () => {
  const store = new MemoryResumeStore();
  const t = useServer(async () => ({
    fs: new S3FileSystem({ bucket: s3.server.bucket, client: s3.client, partSize: PART, queueSize: 2, resumableUploads: { store } }),
  }));

  /** Send the first 12 MiB of DATA to `key`, then vanish once S3 holds two parts; returns the bytes kept. */
  async function cutOff(key: string): Promise<number> {
    const ftp = await t.connect();
    await ftp.send('TYPE I');
    const { socket } = await startTransfer(ftp, `STOR /${key}`);
    socket.write(DATA.subarray(0, 12 * MiB));
    await eventually('S3 holds two parts', async () => {
      const upload = (await openUploads()).find((u) => u.key === key);
      if (!upload) return false;
      const parts = await s3.client.send(new ListPartsCommand({ Bucket: s3.server.bucket, Key: key, UploadId: upload.id }));
      return (parts.Parts ?? []).length >= 2;
    });
    socket.destroy();
    ftp.close();
    const probe = await t.connect();
    await eventually('SIZE shows the kept parts', async () => (await probe.send(`SIZE /${key}`)).text === `213 ${2 * PART}`);
    probe.close();
    return 2 * PART;
  }

  it('SIZE then REST+STOR continues the interrupted upload: no byte already stored is sent to S3 again', async () => {
    const key = 'resume-rest.bin';
    const kept = await cutOff(key);
    const ftp = await t.connect();
    await ftp.send('TYPE I');
    const requests = await requestsOf(async () => {
      assert.equal((await ftp.send(`REST ${kept}`)).code, 350);
      await upload(ftp, `STOR /${key}`, DATA.subarray(kept));
    });
    assert.equal(sha256(await objectBytes(key)), sha256(DATA));
    // The 7 MiB that were missing go up as two parts of the same upload; nothing is read back or re-put.
    assert.equal(requests.UploadPart, 2, JSON.stringify(requests));
    assert.equal(requests.ListParts, 1, JSON.stringify(requests));
    assert.equal(requests.CompleteMultipartUpload, 1, JSON.stringify(requests));
    for (const none of ['GetObject', 'PutObject', 'CreateMultipartUpload', 'AbortMultipartUpload', 'CopyObject']) {
      assert.equal(requests[none], undefined, `${none}: ${JSON.stringify(requests)}`);
    }
    assert.deepEqual(await openUploads(), []);
    assert.equal((await ftp.send(`SIZE /${key}`)).text, `213 ${DATA.length}`);
  });

  it('APPE (what curl -C - sends) continues it too; REST between part boundaries answers 554', async () => {
    const key = 'resume-appe.bin';
    const kept = await cutOff(key);
    const ftp = await t.connect();
    await ftp.send('TYPE I');
    await ftp.send(`REST ${kept - 1000}`);
    assert.equal((await tryUpload(ftp, `STOR /${key}`, 'x')).final.code, 554);
    const requests = await requestsOf(async () => {
      await upload(ftp, `APPE /${key}`, DATA.subarray(kept));
    });
    assert.equal(sha256(await objectBytes(key)), sha256(DATA));
    assert.equal(requests.GetObject, undefined, JSON.stringify(requests));
    assert.equal(requests.UploadPart, 2, JSON.stringify(requests));
  });

  it('a STOR from the start replaces the kept upload (aborted); HASH of a partial file answers 450, DELE removes it', async () => {
    const key = 'resume-restart.bin';
    await cutOff(key);
    const ftp = await t.connect();
    await ftp.send('TYPE I');
    const requests = await requestsOf(async () => {
      await upload(ftp, `STOR /${key}`, 'small and new');
    });
    assert.equal(requests.AbortMultipartUpload, 1, JSON.stringify(requests));
    assert.equal((await objectBytes(key)).toString(), 'small and new');
    assert.deepEqual(await openUploads(), []);

    const other = 'resume-dele.bin';
    await cutOff(other);
    assert.equal((await ftp.send(`HASH /${other}`)).code, 450, 'the kept bytes cannot be hashed until the upload completes');
    assert.equal((await ftp.send(`DELE /${other}`)).code, 250);
    assert.deepEqual(await openUploads(), []);
    assert.equal((await ftp.send(`SIZE /${other}`)).code, 550);
  });

  /** Cut an upload of `key` off, let a real client resume it from a local copy, check the result and its S3 requests. */
  async function resumedBy(key: string, verbs: string[], client: (file: string) => Promise<unknown>): Promise<void> {
    const kept = await cutOff(key);
    const sent: string[] = [];
    const onCommand = ({ verb, arg }: { verb: string; arg: string }): void => {
      if (['SIZE', 'REST', 'STOR', 'APPE'].includes(verb)) sent.push(verb === 'REST' ? `REST ${arg}` : verb);
    };
    t.server.server.on('command', onCommand);
    const dir = await mkdtemp(join(tmpdir(), 'ftpkit-resume-'));
    try {
      await writeFile(join(dir, 'local.bin'), DATA);
      const requests = await requestsOf(async () => {
        await client(join(dir, 'local.bin'));
      });
      assert.equal(sha256(await objectBytes(key)), sha256(DATA));
      assert.equal(requests.UploadPart, Math.ceil((DATA.length - kept) / PART), JSON.stringify(requests));
      assert.equal(requests.GetObject, undefined, JSON.stringify(requests));
      assert.deepEqual(sent, verbs.map((v) => v.replace('KEPT', String(kept))));
    } finally {
      t.server.server.off('command', onCommand);
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('curl -T -C - resumes the cut-off upload (SIZE, then APPE)', { skip: skipUnless('curl') }, async () => {
    const key = 'resume-curl.bin';
    await resumedBy(key, ['SIZE', 'APPE'], (file) => runOk('curl', ['-sS', '--user', 'user:pass', '-T', file, '-C', '-', `ftp://127.0.0.1:${t.port}/${key}`]));
  });

  it('lftp put -c resumes the cut-off upload (SIZE, then REST+STOR)', { skip: skipUnless('lftp') }, async () => {
    const key = 'resume-lftp.bin';
    await resumedBy(key, ['SIZE', 'REST KEPT', 'STOR'], (file) =>
      runOk('lftp', ['-e', `${LFTP_SETTINGS}; put -c ${file} -o /${key}; bye`, '-u', 'user,pass', `ftp://127.0.0.1:${t.port}`], { timeoutMs: 60_000 }),
    );
  });
});
