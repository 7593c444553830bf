/**
 * Uploads generated data through FTP into S3 and measures the FTP server's memory:
 * s3rver and the ftpkit server (test/ftp-server-process.ts) each run in their own
 * process; this process is the FTP client, samples the server's VmRSS from /proc
 * while the upload runs, and checks the stored object against a hash taken while the
 * data was generated. Shared by the CI test and scripts/ftp-upload-memory.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Client } from 'basic-ftp';
import { startS3rver } from './s3rver.js';

const SERVER = fileURLToPath(new URL('./ftp-server-process.ts', import.meta.url));
const KEY = 'upload.bin';

export interface FtpUploadMeasurement {
  bytes: number;
  seconds: number;
  /** The server's RSS once it was ready, just before the upload started. */
  baselineRss: number;
  /** The highest RSS sampled during the upload. */
  peakRss: number;
  samples: number;
  /** ContentLength of the stored object. */
  storedSize: number;
  /** Whether the stored bytes hash to what was sent. */
  intact: boolean;
}

/** Resident set size of process `pid`, in bytes (Linux). */
function rss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** `total` bytes in 64 KiB chunks that all differ, hashed as they are produced. */
function generated(total: number, hash: Hash): Readable {
  const block = Buffer.alloc(64 * 1024, 0x5a);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, total - sent)));
      chunk.writeUInt32LE(sent / block.length, 0);
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function startServer(endpoint: string, bucket: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--conditions=@ftpkit/source', '--import', 'tsx', SERVER, endpoint, bucket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`server printed ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

/** Upload `bytes` of generated data with basic-ftp and measure; cleans up after itself. */
export async function measureFtpUpload(bytes: number): Promise<FtpUploadMeasurement> {
  const s3 = await startS3rver();
  const s3client = s3.client();
  const { child, port } = await startServer(s3.endpoint, s3.bucket);
  const ftp = new Client(0);
  try {
    await ftp.access({ host: '127.0.0.1', port, user: 'user', password: 'pass' });
    const pid = child.pid!;
    const baselineRss = rss(pid);
    let peakRss = baselineRss;
    let samples = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rss(pid));
      samples++;
    }, 20);
    const sent = createHash('sha256');
    const started = performance.now();
    try {
      await ftp.uploadFrom(generated(bytes, sent), `/${KEY}`);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, rss(pid));

    const head = await s3client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: KEY }));
    const object = await s3client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: KEY }));
    const stored = createHash('sha256');
    await pipeline(object.Body as Readable, stored);
    return {
      bytes,
      seconds,
      baselineRss,
      peakRss,
      samples,
      storedSize: head.ContentLength ?? -1,
      intact: stored.digest('hex') === sent.digest('hex'),
    };
  } finally {
    ftp.close();
    s3client.destroy();
    if (child.exitCode === null) {
      child.stdin!.end();
      await once(child, 'exit');
    }
    await s3.stop();
  }
}
