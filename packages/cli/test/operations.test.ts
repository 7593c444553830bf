import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { RawClient } from '../../../test/support/raw-client.js';
import { tryDownload, tryUpload } from '../../../test/support/data.js';
import { hashPassword } from '../src/password.js';
import { startCli } from './support.js';

/** One sample of a metric, e.g. `ftpkit_logins_total{outcome="success"}`. */
function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no sample ${name} in:\n${metrics}`);
  return Number(line.slice(name.length + 1));
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the program with a config file: users, limits, directories, xferlog, metrics, logs', () => {
  let dir: string;
  let cli: Awaited<ReturnType<typeof startCli>>;
  let metricsUrl: string;
  const xferlog = () => readFile(join(dir, 'xfer.log'), 'utf8').catch(() => '');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-ops-'));
    await mkdir(join(dir, 'srv', 'partners', 'outgoing'), { recursive: true });
    await writeFile(join(dir, 'srv', 'partners', 'outgoing', 'prices.csv'), 'a,b\n1,2\n');
    await mkdir(join(dir, 'srv', 'slow'));
    await writeFile(join(dir, 'srv', 'slow', 'video.bin'), Buffer.alloc(384 * 1024, 1));
    const config = {
      $schema: '../ftpkit.schema.json',
      port: 0,
      storage: { type: 'local', root: 'srv' },
      log: { level: 'info', xferlog: 'xfer.log' },
      metrics: { port: 0 },
      users: [
        {
          name: 'partner',
          password: await hashPassword('pw'),
          root: '/partners',
          directories: [
            { path: '/incoming', permissions: 'write-only' },
            { path: '/outgoing', permissions: 'read-only' },
          ],
          quota: { maxBytes: '1MiB', maxFileSize: '64KiB' },
        },
        { name: 'slow', password: await hashPassword('pw'), root: '/slow', bandwidth: { sessionDownload: '256KiB' } },
      ],
    };
    await writeFile(join(dir, 'ftpkit.json'), JSON.stringify(config, null, 2));
    cli = await startCli(['--config', join(dir, 'ftpkit.json')]);
    metricsUrl = /metrics on (http:\S+)/.exec(cli.output())![1]!;
  });

  after(async () => {
    await cli?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the user its root, with per-directory permissions and the file size limit', async () => {
    const { client } = await RawClient.connect(cli.port);
    try {
      await client.send('USER partner');
      assert.equal((await client.send('PASS wrong')).code, 530);
      await client.login('partner', 'pw');
      await client.send('TYPE I');
      assert.equal((await client.send('MKD /incoming')).code, 257);
      const stored = await tryUpload(client, 'STOR /incoming/order.xml', Buffer.alloc(1000, 65));
      assert.equal(stored.final.code, 226);
      assert.equal((await readFile(join(dir, 'srv', 'partners', 'incoming', 'order.xml'))).length, 1000);
      assert.equal((await tryDownload(client, 'RETR /incoming/order.xml')).preliminary.code, 550);
      const prices = await tryDownload(client, 'RETR /outgoing/prices.csv');
      assert.equal(prices.final.code, 226);
      assert.equal(prices.data.toString(), 'a,b\n1,2\n');
      assert.equal((await tryUpload(client, 'STOR /outgoing/x.csv', Buffer.from('x'))).preliminary.code, 550);
      const tooBig = await tryUpload(client, 'STOR /incoming/big.bin', Buffer.alloc(200 * 1024, 66));
      assert.equal(tooBig.preliminary.code, 150);
      assert.equal(tooBig.final.code, 552, tooBig.final.text);
      await assert.rejects(readFile(join(dir, 'srv', 'partners', 'incoming', 'big.bin')), { code: 'ENOENT' });
    } finally {
      client.close();
    }
  });

  it('writes one xferlog line per file transfer, in the xferlog format', async () => {
    const text = await waitFor(xferlog, (t) => t.trim().split('\n').length >= 3);
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 3, text);
    const fields = lines.map((l) => l.split(/\s+/));
    // ctime (5 fields), seconds, host, bytes, path, type, action, direction, access, user, service, auth, id, status
    assert.deepEqual(fields[0]!.slice(5), ['1', '127.0.0.1', '1000', '/incoming/order.xml', 'b', '_', 'i', 'r', 'partner', 'ftp', '0', '*', 'c']);
    assert.deepEqual(fields[1]!.slice(6, 9), ['127.0.0.1', '8', '/outgoing/prices.csv']);
    assert.equal(fields[1]![11], 'o');
    assert.equal(fields[2]![8], '/incoming/big.bin');
    assert.equal(fields[2]![17], 'i', 'the refused upload is incomplete');
    assert.match(lines[0]!, /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} /);
  });

  it('throttles the downloads of a user with a bandwidth limit', async () => {
    const { client } = await RawClient.connect(cli.port);
    try {
      await client.login('slow', 'pw');
      await client.send('TYPE I');
      const { final, data, ms } = await tryDownload(client, 'RETR /video.bin');
      assert.equal(final.code, 226);
      const rate = data.length / (ms / 1000);
      assert.ok(Math.abs(rate - 256 * 1024) / (256 * 1024) <= 0.15, `${Math.round(rate)} B/s against 262144`);
    } finally {
      client.close();
    }
  });

  it('logs JSON lines to stderr when it is not a terminal', async () => {
    const records = cli
      .errors()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(records.some((r) => r.msg === 'login' && r.user === 'partner' && r.level === 30));
    assert.ok(records.some((r) => r.msg === 'login failed' && r.user === 'partner' && r.level === 40));
    const stored = records.find((r) => r.msg === 'transfer' && r.command === 'STOR' && r.status === 'completed');
    assert.equal(stored?.bytes, 1000);
    assert.equal(stored?.path, '/incoming/order.xml');
    assert.equal(typeof stored?.durationMs, 'number');
  });

  it('serves Prometheus metrics with the counters of what happened', async () => {
    const client = new Client();
    await client.access({ host: '127.0.0.1', port: cli.port, user: 'partner', password: 'pw' });
    await client.list('/outgoing');
    client.close();
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const metrics = await response.text();
    assert.equal(sample(metrics, 'ftpkit_logins_total{outcome="success"}'), 3);
    assert.equal(sample(metrics, 'ftpkit_logins_total{outcome="failure"}'), 1);
    assert.equal(sample(metrics, 'ftpkit_sessions_total'), 3);
    assert.equal(sample(metrics, 'ftpkit_transfers_total{command="STOR",status="completed"}'), 1);
    assert.equal(sample(metrics, 'ftpkit_transfers_total{command="STOR",status="failed"}'), 1);
    assert.equal(sample(metrics, 'ftpkit_transfers_total{command="RETR",status="completed"}'), 2);
    assert.equal(sample(metrics, 'ftpkit_transfers_total{command="MLSD",status="completed"}'), 1);
    const received = sample(metrics, 'ftpkit_transfer_bytes_total{direction="in"}');
    assert.ok(received >= 1000 && received <= 1000 + 200 * 1024, `bytes in: ${received}`);
    assert.ok(sample(metrics, 'ftpkit_transfer_bytes_total{direction="out"}') >= 8);
    assert.equal(sample(metrics, 'ftpkit_command_duration_seconds_count{verb="PASS"}'), 4);
    assert.ok(sample(metrics, 'ftpkit_command_duration_seconds_bucket{le="30",verb="STOR"}') >= 3);
    assert.equal((await fetch(new URL('/other', metricsUrl))).status, 404);
  });
});
