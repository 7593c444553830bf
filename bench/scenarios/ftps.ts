/**
 * FTPS (explicit, AUTH TLS): logins with a full handshake each, and PROT P downloads
 * and uploads with curl (`--ssl-reqd`, which also protects the data connection). A peer
 * whose FTPS transfers fail with curl is reported as failed, not left out.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SECURE_FILE, smallFileName, UPLOAD_DIR } from '../fixtures.js';
import type { Target } from '../ftp-client.js';
import { loginLoop, rate, WARM_UP_MS } from './rates.js';
import type { Scenario } from './types.js';

const run = promisify(execFile);
const MiB = 1024 ** 2;
const TLS_LOGIN_CLIENTS = 8;
const UPLOAD_NAME = `${UPLOAD_DIR}/ftps.bin`;

/** Bytes per second of one curl FTPS transfer (from its own timers, login excluded). */
async function curlTls(target: Target, path: string, expected: number, upload?: string): Promise<number> {
  const { stdout } = await run('curl', [
    '--silent', '--show-error', '--ssl-reqd', '--insecure',
    '--user', `${target.user}:${target.password}`,
    ...(upload ? ['--upload-file', upload] : ['--output', '/dev/null']),
    '--write-out', `%{${upload ? 'size_upload' : 'size_download'}} %{time_pretransfer} %{time_total}`,
    `ftp://${target.host}:${target.port}/${path}`,
  ], { timeout: 300_000 });
  const [size, pretransfer, total] = stdout.trim().split(' ').map(Number) as [number, number, number];
  if (size !== expected) throw new Error(`moved ${size} of ${expected} bytes`);
  return size / (total - pretransfer);
}

/**
 * A fresh server's first TLS session pays for loading its TLS code and keys, and its
 * first large transfer for growing its buffers (ftpkit's first 64 MiB PROT P download
 * took 3-4 times the CPU of the next): a small download and upload, then one untimed
 * transfer of the measured size in the measured direction.
 */
function warmUpTls(direction: 'download' | 'upload'): NonNullable<Scenario['warmUp']> {
  return async (server, config) => {
    await curlTls(server.target, smallFileName(0), config.smallFileBytes);
    const upload = `${UPLOAD_DIR}/warm-up.bin`;
    try {
      await curlTls(server.target, upload, config.smallFileBytes, join(config.dir, smallFileName(0)));
      if (direction === 'download') await curlTls(server.target, SECURE_FILE, config.secureBytes);
      else await curlTls(server.target, upload, config.secureBytes, join(config.dir, SECURE_FILE));
    } finally {
      rmSync(join(config.dir, upload), { force: true });
    }
  };
}

export const ftpsLogins: Scenario = {
  name: `TLS logins, ${TLS_LOGIN_CLIENTS} clients`,
  unit: 'logins/s',
  higherIsBetter: true,
  tls: true,
  floor: true,
  operations: (value, config) => (value * config.durationMs) / 1000,
  operationUnit: 'login',
  async warmUp(server) {
    await rate(TLS_LOGIN_CLIENTS, WARM_UP_MS, (deadline) => loginLoop(server.target, deadline, true));
  },
  run: (server, config) => rate(TLS_LOGIN_CLIENTS, config.durationMs, (deadline) => loginLoop(server.target, deadline, true)),
};

export const ftpsRetr: Scenario = {
  name: 'FTPS PROT P RETR',
  unit: 'MiB/s',
  higherIsBetter: true,
  tls: true,
  operations: (_value, config) => config.secureBytes / MiB,
  operationUnit: 'MiB',
  warmUp: warmUpTls('download'),
  run: async (server, config) => (await curlTls(server.target, SECURE_FILE, config.secureBytes)) / MiB,
};

export const ftpsStor: Scenario = {
  name: 'FTPS PROT P STOR',
  unit: 'MiB/s',
  higherIsBetter: true,
  tls: true,
  operations: (_value, config) => config.secureBytes / MiB,
  operationUnit: 'MiB',
  warmUp: warmUpTls('upload'),
  async run(server, config) {
    try {
      return (await curlTls(server.target, UPLOAD_NAME, config.secureBytes, join(config.dir, SECURE_FILE))) / MiB;
    } finally {
      rmSync(join(config.dir, UPLOAD_NAME), { force: true });
    }
  },
};
