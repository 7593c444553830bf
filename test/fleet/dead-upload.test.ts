// An upload's quota reservation is a lease: a node SIGKILLed mid-upload blocks the
// bytes it had reserved only until the lease TTL, then the other nodes get them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startTransfer, tryUpload } from '../support/data.js';
import { RedisProcess, redisSkip } from '../support/redis.js';
import { startNode, tryLogin } from './support.js';

const KiB = 1024;

test("a SIGKILLed node's in-flight quota reservation expires", { skip: redisSkip }, async () => {
  const redis = await RedisProcess.start();
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-fleet-dead-upload-'));
  mkdirSync(join(dir, 'files'));
  const config = { dir, redis: redis.url, prefix: 'dead-upload:', quota: '300KiB', leaseTtl: 3 };
  const [doomed, survivor] = await Promise.all([startNode(config, 'doomed'), startNode(config, 'survivor')]);
  try {
    // Both logins first, so that only the refused upload has to fit in the lease TTL.
    const other = await tryLogin(survivor);
    await other.client.send('TYPE I');
    const uploader = await tryLogin(doomed);
    await uploader.client.send('TYPE I');
    const { socket } = await startTransfer(uploader.client, 'STOR half.bin');
    socket.write(Buffer.alloc(100 * KiB, 1)); // reserves a grant of half the quota, and stays open
    await sleep(500);
    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    socket.destroy();

    const blocked = await tryUpload(other.client, 'STOR full.bin', Buffer.alloc(200 * KiB, 2));
    assert.equal(blocked.final.code, 552, `the dead node's reservation still holds: ${blocked.final.text}`);
    await sleep(Math.max(0, 3000 + 300 - (Date.now() - killedAt)));
    const after = await tryUpload(other.client, 'STOR full.bin', Buffer.alloc(200 * KiB, 2));
    assert.equal(after.final.code, 226, `after the lease TTL: ${after.final.text}`);
    other.client.close();
  } finally {
    if (doomed.child.signalCode === null) await doomed.stop(); // else: killed, already gone
    await survivor.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
