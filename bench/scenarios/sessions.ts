/**
 * Many-file sessions with real clients, as users run them: lftp `mirror` down and
 * `mirror -R` up of a tree of small files in four folders, and one curl process
 * fetching every file of the tree over one login. Each counts files per second of the
 * client's whole run (start, login, listings, transfers, quit).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config.js';
import { clientTree, TREE_FOLDERS, treeDir, treeFile, treePerFolder, UPLOAD_DIR } from '../fixtures.js';
import type { Target } from '../ftp-client.js';
import type { Scenario } from './types.js';

const run = promisify(execFile);

function treeCount(config: BenchConfig): number {
  return treePerFolder(config) * TREE_FOLDERS;
}

/** Files below `dir`, recursively. */
function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

/** lftp with settings that make a run fail loudly instead of retrying for minutes. */
async function lftp(target: Target, script: string): Promise<void> {
  const settings = [
    'set cmd:fail-exit yes',
    'set net:max-retries 1',
    'set net:timeout 20',
    'set ftp:ssl-allow no',
    'set xfer:clobber yes',
  ].join('; ');
  await run('lftp', ['-u', `${target.user},${target.password}`, '-e', `${settings}; ${script}; quit`, `ftp://${target.host}:${target.port}`], {
    timeout: 300_000,
  });
}

/** Files per second of one timed client run, after checking that every file arrived. */
async function timed(count: number, work: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const arrived = await work();
  const seconds = (performance.now() - started) / 1000;
  if (arrived !== count) throw new Error(`${arrived} of ${count} files arrived`);
  return count / seconds;
}

function session(name: string, work: (target: Target, config: BenchConfig) => Promise<number>): Scenario {
  return {
    name,
    unit: 'files/s',
    higherIsBetter: true,
    operations: (_value, config) => treeCount(config),
    operationUnit: 'file',
    // One untimed run first: a fresh server's first session pays for compiling its code
    // paths (a JIT), which a long-running server paid long ago.
    warmUp: async (server, config) => void (await work(server.target, config)),
    run: (server, config) => timed(treeCount(config), () => work(server.target, config)),
  };
}

export const mirrorDown = session('lftp mirror: download tree', async (target, config) => {
  const local = mkdtempSync(join(tmpdir(), 'ftpkit-bench-mirror-'));
  try {
    await lftp(target, `mirror ${treeDir(config)} ${local}`);
    return countFiles(local);
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
});

let uploads = 0;
export const mirrorUp = session('lftp mirror -R: upload tree', async (target, config) => {
  // A fresh target folder each time: every server creates the folders and every file.
  const remote = `${UPLOAD_DIR}/mirror-${process.pid}-${uploads++}`;
  try {
    await lftp(target, `mirror -R ${clientTree(config)} ${remote}`);
    return countFiles(join(config.dir, remote));
  } finally {
    rmSync(join(config.dir, remote), { recursive: true, force: true });
  }
});

export const curlMany = session('curl: tree in one session', async (target, config) => {
  const args = ['--silent', '--show-error', '--user', `${target.user}:${target.password}`, '--write-out', '%{size_download}\\n'];
  for (let folder = 0; folder < TREE_FOLDERS; folder++) {
    for (let i = 0; i < treePerFolder(config); i++) {
      args.push(`ftp://${target.host}:${target.port}/${treeDir(config)}/${treeFile(folder, i)}`, '--output', '/dev/null');
    }
  }
  const { stdout } = await run('curl', args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter((size) => size !== '' && Number(size) === config.smallFileBytes).length;
});
