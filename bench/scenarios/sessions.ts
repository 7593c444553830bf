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
import { downloadLoop, rate, uploadLoop, WARM_UP_MS } from './rates.js';
import type { Scenario } from './types.js';

const run = promisify(execFile);

function treeCount(config: BenchConfig): number {
  return treePerFolder(config) * TREE_FOLDERS;
}

/** curl fetches one folder: its stalls (below) would make the whole tree take minutes. */
const CURL_FOLDERS = 1;

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

type Work = (target: Target, config: BenchConfig) => Promise<number>;

/**
 * A many-file scenario of `work`. Its warm-up before the timed run, for every server
 * alike: one untimed run of the client, then WARM_UP_MS of small transfers in the
 * scenario's direction with 4 raw clients (ftpkit's CPU per file fell to a third over its
 * first 3,000 serial downloads).
 */
function session(
  name: string,
  count: (config: BenchConfig) => number,
  work: Work,
  direction: 'download' | 'upload',
  warmUp: Work = work,
): Scenario {
  return {
    name,
    unit: 'files/s',
    higherIsBetter: true,
    operations: (_value, config) => count(config),
    operationUnit: 'file',
    clientCpu: true,
    warmUp: async (server, config) => {
      await warmUp(server.target, config);
      await rate(4, WARM_UP_MS, (deadline, i) =>
        direction === 'download'
          ? downloadLoop(server.target, config, deadline, i)
          : uploadLoop(server.target, config, deadline, i, `${UPLOAD_DIR}/`),
      );
      const uploads = join(config.dir, UPLOAD_DIR);
      for (const name of readdirSync(uploads)) if (name.startsWith('small-')) rmSync(join(uploads, name), { force: true });
    },
    run: (server, config) => timed(count(config), () => work(server.target, config)),
  };
}

async function downloadTree(target: Target, config: BenchConfig): Promise<number> {
  const local = mkdtempSync(join(tmpdir(), 'ftpkit-bench-mirror-'));
  try {
    await lftp(target, `mirror ${treeDir(config)} ${local}`);
    return countFiles(local);
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}

export const mirrorDown = session('lftp mirror: download tree', treeCount, downloadTree, 'download');

let uploads = 0;
export const mirrorUp = session('lftp mirror -R: upload tree', treeCount, async (target, config) => {
  // A fresh target folder each time: every server creates the folders and every file.
  const remote = `${UPLOAD_DIR}/mirror-${process.pid}-${uploads++}`;
  try {
    await lftp(target, `mirror -R ${clientTree(config)} ${remote}`);
    return countFiles(join(config.dir, remote));
  } finally {
    rmSync(join(config.dir, remote), { recursive: true, force: true });
  }
}, 'upload');

/**
 * One curl process, one login, `files` URLs. curl 7.88 sometimes waits a whole second
 * before connecting a data connection (its own timer, with every server alike), so this
 * figure is mostly the client's; it is here because users script curl like this.
 */
async function curlFiles(target: Target, config: BenchConfig, files: number): Promise<number> {
  const args = ['--silent', '--show-error', '--user', `${target.user}:${target.password}`, '--write-out', '%{size_download}\\n'];
  for (let i = 0; i < files; i++) {
    args.push(`ftp://${target.host}:${target.port}/${treeDir(config)}/${treeFile(0, i)}`, '--output', '/dev/null');
  }
  const { stdout } = await run('curl', args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter((size) => size !== '' && Number(size) === config.smallFileBytes).length;
}

const curlCount = (config: BenchConfig) => treePerFolder(config) * CURL_FOLDERS;
export const curlMany = session(
  'curl: a folder in one session',
  curlCount,
  (target, config) => curlFiles(target, config, curlCount(config)),
  'download',
  // A short curl run: its stalls would make a whole folder's warm-up long.
  (target, config) => curlFiles(target, config, Math.min(8, curlCount(config))),
);
