// `ftpkit --workers 2` without Redis: the primary holds the limits' state for its
// workers, so a quota and maxSessionsPerUser hold across them, and the metrics
// endpoint sums every worker.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tryUpload } from '../support/data.js';
import { startNode, tryLogin, type Node } from './support.js';

const KiB = 1024;

describe('--workers 2 without Redis', () => {
  let dir: string;
  let node: Node;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftpkit-workers-state-'));
    mkdirSync(join(dir, 'files'));
    node = await startNode({ dir, workers: 2, quota: '300KiB', maxSessionsPerUser: 2 }, 'workers', ['--metrics-port', '0']);
  });

  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The pids that served the logins so far, from the JSON log lines. */
  const loginPids = () =>
    node
      .errors()
      .split('\n')
      .filter((line) => line.includes('"msg":"login"'))
      .map((line) => (JSON.parse(line) as { pid: number }).pid);

  test('a 300 KiB quota lets 200 KB in through one worker and refuses 200 KB more through the other', async () => {
    const first = await tryLogin(node);
    const second = await tryLogin(node);
    try {
      assert.deepEqual([first.code, second.code], [230, 230]);
      assert.equal(new Set(loginPids()).size, 2, 'the two sessions are on different workers');
      for (const { client } of [first, second]) await client.send('TYPE I');
      assert.equal((await tryUpload(first.client, 'STOR one.bin', Buffer.alloc(200_000, 1))).final.code, 226);
      const refused = await tryUpload(second.client, 'STOR two.bin', Buffer.alloc(200_000, 2));
      assert.equal(refused.final.code, 552, refused.final.text);
      const third = await tryLogin(node);
      assert.equal(third.code, 530, 'maxSessionsPerUser counts both workers');
      third.client.close();
      assert.ok(300 * KiB < 400_000);
    } finally {
      first.client.close();
      second.client.close();
    }
  });

  test('the metrics endpoint sums the workers', async () => {
    const url = /metrics on (\S+)/.exec(node.output())?.[1];
    assert.ok(url, node.output());
    const text = await (await fetch(url)).text();
    const logins = Number(/^ftpkit_logins_total\{outcome="success"\} (\d+)/m.exec(text)?.[1]);
    assert.equal(logins, loginPids().length, text.slice(0, 400));
    assert.ok(logins >= 2);
  });
});
