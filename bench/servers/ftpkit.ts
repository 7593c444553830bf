/**
 * ftpkit as the benchmark runs it: the local-disk adapter over the shared directory,
 * one user, optionally on several cluster workers. Started as its own process so its
 * memory can be measured. With CERT and KEY files it offers explicit FTPS (not required).
 * Usage: ftpkit.ts PORT ROOT USER PASSWORD WORKERS MIN-MAX [CERT KEY]
 */
import { FULL_ACCESS, FtpServer, startCluster } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';

const [port, root, user, password, workers, range, certFile, keyFile] = process.argv.slice(2) as [string, string, string, string, string, string, string?, string?];
const [min, max] = range.split('-').map(Number) as [number, number];

// One adapter for every session, as a host serving one directory would do.
// Uploads as the peers store them: written in place, not fsynced (the default atomic
// policy writes a temporary file and renames it, which on ext4 also starts writeback of
// the whole upload at the rename). 4 MiB reads: see the README's knobs.
const fs = new LocalFileSystem({ root, uploadPolicy: 'in-place', fsync: false, readBufferSize: 4 * 1024 * 1024 });

const handle = await startCluster({
  workers: Number(workers),
  // Workers accept connections themselves: no hand-over through the primary per login.
  scheduling: 'os',
  passivePorts: { min, max },
  create: ({ passivePorts }) =>
    new FtpServer({
      host: '127.0.0.1',
      port: Number(port),
      passivePorts,
      maxConnections: 10_000,
      maxConnectionsPerIp: 10_000,
      ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
      authenticate: ({ username, password: given }) => {
        if (username !== user || given !== password) throw new Error('bad login');
        return { fs, permissions: FULL_ACCESS };
      },
    }),
});

// Lets the harness measure retained memory rather than garbage (node --expose-gc).
process.on('message', (message) => {
  if (message === 'gc') {
    globalThis.gc?.();
    process.send?.('gc-done');
  }
});
process.once('SIGTERM', () => void handle.close({ timeout: 0 }).then(() => process.exit(0)));
