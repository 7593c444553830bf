/**
 * Chaos: clients killed in the middle of RETR, STOR and LIST, over and over, with a FIN
 * or a RST, on both connections at once. Afterwards: every socket and file descriptor
 * released, memory bounded, no partial upload reported complete or left behind, and
 * the server still serving. Shared by the CI test and the long script.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Client } from 'basic-ftp';
import type { FileSystem, TransferResult } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { memoryAfterGc, openFds, waitUntil } from '../support/process-stats.js';
import { RawClient } from '../support/raw-client.js';
import { startTestServer } from '../support/server.js';

export type Backend = 'memory' | 'local';

export interface ChaosOptions {
  backend: Backend;
  iterations: number;
  /** Clients killed at once. Default 4. */
  concurrency?: number;
}

export interface ChaosReport {
  backend: Backend;
  iterations: number;
  killed: Record<'RETR' | 'STOR' | 'LIST', number>;
  fdsBefore: number;
  fdsAfter: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /** Uploads reported 'completed' although the client died before sending everything. */
  falseCompletions: number;
  /** Outcomes 'transfer-end' reported for the killed uploads. */
  uploadOutcomes: Record<string, number>;
  /** Files of killed uploads still present afterwards (atomic local uploads: none). */
  partialFilesLeft: number;
  sessionsAfter: number;
  realClientServed: boolean;
  durationMs: number;
}

const BIG = 8 * 1024 * 1024;
const UPLOAD_SIZE = 4 * 1024 * 1024; // what a killed client meant to send; it never does
const LISTED = 3000;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { fs, cleanup, uploadsLeft } = await prepareBackend(options.backend);
  const { server, port, close } = await startTestServer({ fs });
  const outcomes: Record<string, number> = {};
  let falseCompletions = 0;
  server.on('transfer-end', ({ direction, result, path }) => {
    if (direction !== 'upload' || !path.startsWith('/up-')) return;
    outcomes[result.status] = (outcomes[result.status] ?? 0) + 1;
    if (isFalseCompletion(path, result)) falseCompletions++;
  });
  // Warm up once so lazily created state (pools, caches) is not counted as a leak.
  await kill(port, 'STOR', -1, true);
  await waitUntil(() => server.sessions.size === 0);
  const fdsBefore = openFds();
  const heapBefore = memoryAfterGc().heapMiB;
  const report: ChaosReport = {
    backend: options.backend,
    iterations: options.iterations,
    killed: { RETR: 0, STOR: 0, LIST: 0 },
    fdsBefore,
    fdsAfter: 0,
    heapBeforeMiB: round(heapBefore),
    heapAfterMiB: 0,
    falseCompletions: 0,
    uploadOutcomes: outcomes,
    partialFilesLeft: 0,
    sessionsAfter: 0,
    realClientServed: false,
    durationMs: 0,
  };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < options.iterations) {
        const i = next++;
        const command = (['RETR', 'STOR', 'LIST'] as const)[i % 3]!;
        await kill(port, command, i, i % 2 === 0);
        report.killed[command]++;
      }
    }),
  );
  report.durationMs = Math.round(performance.now() - started);
  await waitUntil(() => server.sessions.size === 0, 15_000).catch(() => {});
  report.sessionsAfter = server.sessions.size;
  await waitUntil(() => openFds() <= fdsBefore, 5000).catch(() => {});
  report.fdsAfter = openFds();
  report.heapAfterMiB = round(memoryAfterGc().heapMiB);
  report.falseCompletions = falseCompletions;
  report.partialFilesLeft = await uploadsLeft();
  report.realClientServed = await realClientWorks(port);
  await close();
  cleanup();
  return report;
}

/** Any upload in this run is killed before UPLOAD_SIZE bytes: 'completed' would be a lie. */
function isFalseCompletion(path: string, result: TransferResult): boolean {
  return path.startsWith('/up-') && result.status === 'completed' && result.bytes < UPLOAD_SIZE;
}

async function prepareBackend(backend: Backend): Promise<{ fs: FileSystem; cleanup(): void; uploadsLeft(): Promise<number> }> {
  const files: Record<string, Buffer> = { '/big.bin': Buffer.alloc(BIG, 5) };
  for (let i = 0; i < LISTED; i++) files[`/many/file-${String(i).padStart(5, '0')}-with-a-longish-name.txt`] = Buffer.from('x');
  if (backend === 'memory') {
    const fs = new MemoryFileSystem({ files });
    return {
      fs,
      cleanup: () => {},
      uploadsLeft: async () => {
        let n = 0;
        for await (const entry of fs.list('/')) if (entry.name.startsWith('up-')) n++;
        return n;
      },
    };
  }
  const root = mkdtempSync(join(tmpdir(), 'ftpkit-chaos-'));
  mkdirSync(join(root, 'many'));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content ?? '');
  return {
    fs: new LocalFileSystem({ root, fsync: false }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
    // Killed atomic uploads leave neither the target nor a temporary file.
    uploadsLeft: async () => readdirSync(root).filter((name) => name !== 'big.bin' && name !== 'many').length,
  };
}

/** Start `command`, let some bytes move, then kill the client (FIN or RST on both connections). */
async function kill(port: number, command: 'RETR' | 'STOR' | 'LIST', i: number, reset: boolean): Promise<void> {
  const { client } = await RawClient.connect(port);
  let data: Socket | undefined;
  try {
    await client.login();
    await client.send('TYPE I');
    data = await client.passive();
    const socket = data;
    if (command === 'STOR') {
      client.write(`STOR up-${i}.bin\r\n`);
      await client.read();
      // Send a part of the file, never all of it.
      const part = Buffer.alloc(64 * 1024 + ((i * 7919) % (UPLOAD_SIZE / 2)), 1);
      await new Promise<void>((resolve) => socket.write(part, () => resolve()));
    } else {
      client.write(command === 'RETR' ? 'RETR big.bin\r\n' : 'LIST /many\r\n');
      await client.read();
      await new Promise<void>((resolve) => {
        let got = 0;
        const enough = command === 'RETR' ? 256 * 1024 : 1024;
        socket.on('data', (chunk: Buffer) => {
          got += chunk.length;
          if (got >= enough) resolve();
        });
        socket.once('close', () => resolve());
      });
    }
  } finally {
    for (const s of [data, client.socket]) {
      if (!s) continue;
      if (reset) s.resetAndDestroy();
      else s.destroy();
    }
  }
}

async function realClientWorks(port: number): Promise<boolean> {
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port, user: 'user', password: 'pass' });
    await client.uploadFrom(Readable.from([Buffer.from('still here')]), 'alive.txt');
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await client.downloadTo(sink, 'alive.txt');
    return Buffer.concat(chunks).toString() === 'still here';
  } catch {
    return false;
  } finally {
    client.close();
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
