/**
 * `--no-fsync` and `storage.fsync`: uploads to a directory are flushed to disk before
 * their 226 unless the program is told otherwise. The flushes are counted with strace
 * on the running program.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { skipUnless } from '../../../test/support/process.js';
import { parseCommandLine, type Flags } from '../src/args.js';
import { loadConfigFile } from '../src/config/file.js';
import { resolveConfig } from '../src/config/resolve.js';
import { run, startCli } from './support.js';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'ftpkit-fsync-'))));
after(() => rm(dir, { recursive: true, force: true }));

async function resolvedFile(storage: object): Promise<ReturnType<typeof resolveConfig>> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ storage }));
  return resolveConfig({ users: [] }, await loadConfigFile(file));
}

describe('fsync setting of a local storage', () => {
  it('is on unless --no-fsync or "fsync": false says otherwise', async () => {
    const flagged = resolveConfig(parseCommandLine(['--root', dir, '--no-fsync']) as Flags);
    assert.deepEqual(flagged.backend, { kind: 'local', root: dir, fsync: false });
    const plain = resolveConfig(parseCommandLine(['--root', dir]) as Flags);
    assert.deepEqual(plain.backend, { kind: 'local', root: dir });
    assert.deepEqual((await resolvedFile({ type: 'local', root: dir, fsync: false })).backend, { kind: 'local', root: dir, fsync: false });
    assert.deepEqual((await resolvedFile({ type: 'local', root: dir, fsync: true })).backend, { kind: 'local', root: dir, fsync: true });
  });

  it('is refused where there is no directory to flush', async () => {
    const { code, stderr } = await run(['--memory', '--no-fsync']);
    assert.equal(code, 2);
    assert.match(stderr, /--no-fsync needs --root/);
    await assert.rejects(resolvedFile({ type: 'memory', fsync: false }), /storage\.fsync: not allowed for this storage type/);
  });
});

/** fsync/fdatasync calls the program makes while `uploads` files are stored through it. */
async function flushesDuring(args: string[], uploads: number): Promise<number> {
  const root = await mkdtemp(join(dir, 'root-'));
  const cli = await startCli(['--port', '0', '--root', root, '--user', 'bob:pw', '--log-level', 'warn', ...args]);
  const traceFile = join(dir, `trace-${cli.child.pid}.txt`);
  const strace = spawn('strace', ['-f', '-qq', '-e', 'trace=fsync,fdatasync', '-o', traceFile, '-p', String(cli.child.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const client = new Client();
  try {
    // strace stops the program while it attaches; one reply afterwards shows it is tracing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.access({ host: '127.0.0.1', port: cli.port, user: 'bob', password: 'pw' });
    for (let i = 0; i < uploads; i++) await client.uploadFrom(Readable.from([Buffer.from(`file ${i}\n`)]), `f${i}.txt`);
    assert.equal(await readFile(join(root, `f${uploads - 1}.txt`), 'utf8'), `file ${uploads - 1}\n`);
  } finally {
    client.close();
    strace.kill('SIGINT');
    await new Promise((resolve) => strace.once('exit', resolve));
    await cli.stop();
  }
  const trace = await readFile(traceFile, 'utf8');
  return trace.split('\n').filter((line) => /\b(fsync|fdatasync)\(/.test(line)).length;
}

describe('uploads through the program', { skip: skipUnless('strace', ['-V']) }, () => {
  it('are flushed (file and directory) by default and not with --no-fsync', async () => {
    assert.ok((await flushesDuring([], 3)) >= 6, 'expected a flush of each file and its directory');
    assert.equal(await flushesDuring(['--no-fsync'], 3), 0);
  });
});
