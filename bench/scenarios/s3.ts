/**
 * S3 through FTP: ftpkit over @ftpkit/fs-s3 against s3rver, beside the ceiling, the
 * SDK's own upload and download to the same s3rver (same part size and concurrency as
 * fs-s3's defaults). Only ftpkit serves S3, so other servers show n/a; the SDK rows have
 * no CPU row (their "server" is s3rver). Each measurement gets a fresh s3rver.
 */
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startS3rver, type S3rverInstance } from '../../packages/fs-s3/test/s3rver.js';
import type { BenchConfig } from '../config.js';
import { SECURE_FILE, smallFileName } from '../fixtures.js';
import type { Target } from '../ftp-client.js';
import { startProcess } from '../proc.js';
import type { RunningServer, ServerSpec } from '../servers.js';
import { running } from '../servers.js';
import { rate, uploadLoop } from './rates.js';
import type { Scenario } from './types.js';

const run = promisify(execFile);
const MiB = 1024 ** 2;
/** fs-s3's default part size and parallel parts. */
const PART_SIZE = 8 * MiB;
const QUEUE_SIZE = 4;
const OBJECT = 'object.bin';
const SMALL_UPLOAD_CLIENTS = 8;
const here = fileURLToPath(new URL('..', import.meta.url));
const USER = 'bench';
const PASSWORD = 'bench-password';

/** s3rver, and ftpkit over it unless `ftp` is false; undefined for every server but ftpkit. */
async function startS3(spec: ServerSpec, port: number, passive: string, ftp: boolean): Promise<(RunningServer & { s3: S3rverInstance }) | undefined> {
  if (spec.name !== 'ftpkit') return undefined;
  const s3 = await startS3rver('bench');
  if (!ftp) {
    return { s3, pid: process.pid, target: { host: '127.0.0.1', port: 0, user: '', password: '' }, collectGarbage: async () => {}, stop: () => s3.stop() };
  }
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = startProcess(process.execPath, [...profile, '--import', 'tsx', join(here, 'servers', 'ftpkit-s3.ts'), String(port), s3.endpoint, s3.bucket, USER, PASSWORD, passive]);
  try {
    const server = await running(child, { host: '127.0.0.1', port, user: USER, password: PASSWORD }, false);
    return { ...server, s3, stop: async () => (await server.stop(), await s3.stop()) };
  } catch (err) {
    await s3.stop();
    throw err;
  }
}

/** The SDK's multipart upload of the benchmark file, QUEUE_SIZE parts at a time. */
async function sdkUpload(client: S3Client, bucket: string, file: string, size: number): Promise<void> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: OBJECT }));
  const parts: { PartNumber: number; ETag: string }[] = [];
  const handle = await open(file, 'r');
  let next = 0;
  const worker = async () => {
    for (let index = next++; index * PART_SIZE < size; index = next++) {
      const start = index * PART_SIZE;
      const length = Math.min(PART_SIZE, size - start);
      // A Buffer, as fs-s3 sends its parts: s3rver stores a stream's aws-chunked framing.
      const Body = Buffer.allocUnsafe(length);
      await handle.read(Body, 0, length, start);
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: OBJECT, UploadId, PartNumber: index + 1, Body, ContentLength: length }),
      );
      parts.push({ PartNumber: index + 1, ETag: ETag! });
    }
  };
  try {
    await Promise.all(Array.from({ length: QUEUE_SIZE }, worker));
  } finally {
    await handle.close();
  }
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: OBJECT, UploadId, MultipartUpload: { Parts: parts } }));
}

async function sdkDownload(client: S3Client, bucket: string): Promise<number> {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: OBJECT }));
  let bytes = 0;
  for await (const chunk of Body as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}

/** MiB/s of `work`, which must move `size` bytes. */
async function mibPerSecond(size: number, work: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const moved = await work();
  if (moved !== size) throw new Error(`moved ${moved} of ${size} bytes`);
  return size / MiB / ((performance.now() - started) / 1000);
}

async function curl(target: Target, args: string[]): Promise<number> {
  const { stdout } = await run('curl', ['--silent', '--show-error', '--user', `${target.user}:${target.password}`, ...args], { timeout: 300_000 });
  return Number(stdout.trim());
}

type S3Server = RunningServer & { s3: S3rverInstance };

/** One small upload and download through a fresh server first (its JIT, the SDK's first requests). */
async function warmUpFtp(server: RunningServer, config: BenchConfig): Promise<void> {
  const url = `ftp://127.0.0.1:${server.target.port}/warm-up.bin`;
  await curl(server.target, ['--upload-file', join(config.dir, smallFileName(0)), '--write-out', '%{size_upload}', url]);
  await curl(server.target, ['--output', '/dev/null', '--write-out', '%{size_download}', url]);
}

function s3Scenario(
  name: string,
  ftp: boolean,
  measure: (server: S3Server, config: BenchConfig) => Promise<number>,
  prepare?: (server: S3Server, config: BenchConfig) => Promise<void>,
): Scenario {
  return {
    name,
    unit: 'MiB/s',
    higherIsBetter: true,
    ...(ftp ? { operations: (_value: number, config: BenchConfig) => config.secureBytes / MiB, operationUnit: 'MiB', warmUp: warmUpFtp } : {}),
    async start(spec, config, port, passive) {
      const server = await startS3(spec, port, passive, ftp);
      if (server && prepare) await prepare(server, config).catch(async (err) => (await server.stop(), Promise.reject(err)));
      return server;
    },
    run: (server, config) => measure(server as S3Server, config),
  };
}

const putObject = async (server: S3Server, config: BenchConfig) => {
  const client = server.s3.client();
  try {
    await sdkUpload(client, server.s3.bucket, join(config.dir, SECURE_FILE), config.secureBytes);
  } finally {
    client.destroy();
  }
};

export const s3Stor = s3Scenario('S3: STOR through FTP', true, (server, config) =>
  mibPerSecond(config.secureBytes, () =>
    curl(server.target, ['--upload-file', join(config.dir, SECURE_FILE), '--write-out', '%{size_upload}', `ftp://127.0.0.1:${server.target.port}/${OBJECT}`]),
  ),
);

export const s3SdkUpload = s3Scenario('S3: SDK upload (ceiling)', false, async (server, config) => {
  const client = server.s3.client();
  try {
    return await mibPerSecond(config.secureBytes, async () => {
      await sdkUpload(client, server.s3.bucket, join(config.dir, SECURE_FILE), config.secureBytes);
      return config.secureBytes;
    });
  } finally {
    client.destroy();
  }
});

export const s3Retr = s3Scenario(
  'S3: RETR through FTP',
  true,
  (server, config) =>
    mibPerSecond(config.secureBytes, () =>
      curl(server.target, ['--output', '/dev/null', '--write-out', '%{size_download}', `ftp://127.0.0.1:${server.target.port}/${OBJECT}`]),
    ),
  putObject,
);

export const s3SdkDownload = s3Scenario(
  'S3: SDK download (ceiling)',
  false,
  async (server, config) => {
    const client = server.s3.client();
    try {
      return await mibPerSecond(config.secureBytes, () => sdkDownload(client, server.s3.bucket));
    } finally {
      client.destroy();
    }
  },
  putObject,
);

export const s3SmallUploads: Scenario = {
  name: `S3: 4 KiB uploads, ${SMALL_UPLOAD_CLIENTS} clients`,
  unit: 'files/s',
  higherIsBetter: true,
  operations: (value, config) => (value * config.durationMs) / 1000,
  operationUnit: 'file',
  start: (spec, _config, port, passive) => startS3(spec, port, passive, true),
  warmUp: warmUpFtp,
  run: (server, config) =>
    rate(SMALL_UPLOAD_CLIENTS, config.durationMs, (deadline, i) => uploadLoop(server.target, config, deadline, i)),
};
