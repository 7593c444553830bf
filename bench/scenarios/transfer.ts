/**
 * Bulk throughput: RETR of one big file and STOR of a big upload. Downloads use curl
 * into /dev/null; uploads come from a Node client writing one preallocated buffer, so
 * neither side's client reads or writes a disk.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIG_FILE, UPLOAD_DIR } from '../fixtures.js';
import { drain, FtpControl, type Target } from '../ftp-client.js';
import type { Scenario } from './types.js';

const run = promisify(execFile);
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const WARM_UP_BYTES = 32 * 1024 * 1024;
/** The STOR scenario's upload: the warm-up writes it first, so the timed upload replaces a file as every run after the first would. */
const STOR_NAME = `${UPLOAD_DIR}/stor.bin`;

/** Download `expected` bytes of `path` (its first ones only, with `range`); returns bytes per second. */
async function curlDownload(target: Target, path: string, expected: number, range = false): Promise<number> {
  const url = `ftp://${target.host}:${target.port}/${path}`;
  const { stdout } = await run('curl', [
    '--silent', '--show-error', '--output', '/dev/null',
    '--user', `${target.user}:${target.password}`,
    '--write-out', '%{size_download} %{time_pretransfer} %{time_total}',
    ...(range ? ['--range', `0-${expected - 1}`] : []),
    url,
  ]);
  const [size, pretransfer, total] = stdout.trim().split(' ').map(Number) as [number, number, number];
  if (size !== expected) throw new Error(`RETR delivered ${size} of ${expected} bytes`);
  return size / (total - pretransfer);
}

async function nodeUpload(target: Target, path: string, size: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const control = await FtpControl.login(target);
  await control.command('TYPE I', 200);
  const data = await control.passive(target.host);
  data.on('error', () => {});
  await new Promise((resolve) => data.once('connect', resolve));
  control.send(`STOR ${path}`);
  const opened = await control.next();
  if (opened.code !== 150 && opened.code !== 125) throw new Error(`STOR refused: ${opened.text}`);
  const started = performance.now();
  for (let sent = 0; sent < size; sent += chunk.length) {
    const piece = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent);
    if (!data.write(piece)) await new Promise((resolve) => data.once('drain', resolve));
  }
  data.end();
  void drain(data).catch(() => 0);
  await control.expect(226);
  const seconds = (performance.now() - started) / 1000;
  await control.quit();
  return size / seconds;
}

export const retr: Scenario = {
  name: 'RETR big file',
  unit: 'GiB/s',
  higherIsBetter: true,
  operations: (_value, config) => config.retrBytes / MiB,
  operationUnit: 'MiB',
  // A short download first, as for STOR: a fresh server's first transfer (thread pool,
  // JIT) ran 15-25 % slower than its next one here, which no long-running server pays.
  warmUp: async (server) => void (await curlDownload(server.target, BIG_FILE, WARM_UP_BYTES, true)),
  run: async (server, config) => (await curlDownload(server.target, BIG_FILE, config.retrBytes)) / GiB,
};

export const stor: Scenario = {
  name: 'STOR big file',
  unit: 'GiB/s',
  higherIsBetter: true,
  operations: (_value, config) => config.storBytes / MiB,
  operationUnit: 'MiB',
  // A short upload first, so no server is timed on its first-write path (or its JIT).
  warmUp: async (server) => void (await nodeUpload(server.target, STOR_NAME, WARM_UP_BYTES)),
  async run(server, config) {
    try {
      return (await nodeUpload(server.target, STOR_NAME, config.storBytes)) / GiB;
    } finally {
      rmSync(join(config.dir, STOR_NAME), { force: true });
    }
  },
};
