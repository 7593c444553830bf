import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { run, startCli } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'ftpkit-workers-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Whether process `pid` still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start `ftpkit --workers 2` on `root` (plus `extra` flags), log in `logins` times, each
 * time uploading a file and downloading one, stop it; returns the pid that served each login.
 */
async function servedLogins(extra: string[], logins: number, check?: (cli: Awaited<ReturnType<typeof startCli>>) => void): Promise<{ pids: number[]; primary: number }> {
  writeFileSync(join(root, 'served.txt'), 'from disk\n');
  // A passive range unlikely to be taken by another test running meanwhile.
  const min = 40_000 + Math.floor(Math.random() * 20_000);
  const cli = await startCli(['--port', '0', '--root', root, '--user', 'bob:pw', '--workers', '2', '--passive-ports', `${min}-${min + 19}`, ...extra]);
  try {
    check?.(cli);
    for (let i = 0; i < logins; i++) {
      const client = new Client();
      try {
        await client.access({ host: '127.0.0.1', port: cli.port, user: 'bob', password: 'pw' });
        await client.uploadFrom(Readable.from([Buffer.from(`upload ${i}\n`)]), `new-${i}.txt`);
        const chunks: Buffer[] = [];
        await client.downloadTo(new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }), 'served.txt');
        assert.equal(Buffer.concat(chunks).toString(), 'from disk\n');
      } finally {
        client.close();
      }
      assert.equal(readFileSync(join(root, `new-${i}.txt`), 'utf8'), `upload ${i}\n`);
    }
  } finally {
    assert.equal(await cli.stop(), 0, cli.errors());
  }
  const pids = cli
    .errors()
    .split('\n')
    .filter((line) => line.includes('"msg":"login"'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);
  return { pids, primary: cli.child.pid! };
}

describe('ftpkit --workers', () => {
  it('serves from several processes and stops them all on SIGTERM', async () => {
    // Control connections are dealt to the workers in turn: six logins reach both.
    const { pids, primary } = await servedLogins([], 6, (cli) =>
      assert.match(cli.output(), /listening on ftp:\/\/127\.0\.0\.1:\d+ \(.*, 2 workers\)/),
    );
    const workers = new Set(pids);
    assert.equal(workers.size, 2, `logins served by ${[...workers].join(', ')}`);
    assert.ok(!workers.has(primary), 'the primary serves no sessions');
    for (const pid of workers) assert.ok(!alive(pid), `worker ${pid} still running`);
  });

  it('refuses the memory backend and a missing or too small passive range (status 2, one line)', async () => {
    for (const args of [
      ['--workers', '0'],
      ['--workers', 'two'],
      ['--workers', '2'],
      ['--workers', '2', '--root', root],
      ['--workers', '3', '--root', root, '--passive-ports', '50000-50001'],
    ]) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, `${args.join(' ')} → ${stderr}`);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, /^ftpkit: .*workers/);
    }
  });

  it('reads the workers key of the config file; the flag overrides it', async () => {
    const file = join(root, 'ftpkit.json');
    writeFileSync(file, JSON.stringify({ workers: 4, passivePorts: '50000-50009', storage: { type: 'local', root: '.' } }));
    assert.equal(resolveConfig({ users: [] }, await loadConfigFile(file)).workers, 4);
    assert.equal(resolveConfig({ users: [], workers: 2 }, await loadConfigFile(file)).workers, 2);
    assert.equal(resolveConfig({ users: [] }).workers, 1);
    writeFileSync(file, JSON.stringify({ workers: 0 }));
    await assert.rejects(loadConfigFile(file), /workers/);
  });

  it('reads workerScheduling from the file and --worker-scheduling; refuses other values', async () => {
    const file = join(root, 'ftpkit.json');
    writeFileSync(file, JSON.stringify({ workerScheduling: 'os' }));
    assert.equal(resolveConfig({ users: [] }, await loadConfigFile(file)).workerScheduling, 'os');
    assert.equal(resolveConfig({ users: [], workerScheduling: 'round-robin' }, await loadConfigFile(file)).workerScheduling, 'round-robin');
    assert.equal(resolveConfig({ users: [] }).workerScheduling, 'round-robin');
    writeFileSync(file, JSON.stringify({ workerScheduling: 'random' }));
    await assert.rejects(loadConfigFile(file), /workerScheduling/);
    const { code, stderr } = await run(['--worker-scheduling', 'random']);
    assert.equal(code, 2);
    assert.match(stderr, /^ftpkit: --worker-scheduling must be one of round-robin, os/);
  });

  it('with --worker-scheduling os the workers accept connections themselves', async () => {
    const { pids, primary } = await servedLogins(['--worker-scheduling', 'os'], 4);
    assert.equal(pids.length, 4);
    assert.ok(!pids.includes(primary), 'the primary serves no sessions');
  });
});
