/**
 * Starts a real S3-compatible server (s3rver) for tests, as a separate process on a
 * free loopback port with its own temporary directory and one empty bucket. Reused by
 * the end-to-end FTP tests, so keep it free of test-runner specifics.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** A running s3rver. */
export interface S3rverInstance {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  /** The bucket created at startup. */
  bucket: string;
  /** s3rver's data directory (for tests that inspect what it stored). */
  directory: string;
  /** Client options that reach this server (path-style, s3rver's built-in credentials). */
  clientConfig: S3ClientConfig;
  /** A new client for this server; the caller destroys it. */
  client(): S3Client;
  /**
   * Make an open multipart upload look `ageMs` old: its initiation and, with `parts`
   * (default), every part uploaded so far. Stands in for time passing.
   */
  backdateUpload(uploadId: string, ageMs: number, options?: { parts?: boolean }): Promise<void>;
  /** Stops the process and removes its directory. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./s3rver-process.cjs', import.meta.url));

/** Start s3rver with a bucket named `bucket` (default `test-bucket`). */
export async function startS3rver(bucket = 'test-bucket'): Promise<S3rverInstance> {
  const directory = await mkdtemp(join(tmpdir(), 'ftpkit-s3rver-'));
  const child = spawn(process.execPath, [SCRIPT, directory, bucket], {
    // Node ≥ 17 needs the legacy provider for s3rver's continuation-token cipher.
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      lines.close();
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`s3rver printed ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr}`)));
    child.once('error', reject);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: S3ClientConfig = {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  return {
    endpoint,
    bucket,
    directory,
    clientConfig,
    client: () => new S3Client(clientConfig),
    async backdateUpload(uploadId, ageMs, { parts = true } = {}) {
      // Where s3rver keeps an open upload: its `key` record and one file per part.
      const dir = join(directory, bucket, '._S3rver_uploads', uploadId);
      const then = new Date(Date.now() - ageMs);
      const files = parts ? await readdir(dir) : ['key'];
      await Promise.all(files.map((name) => utimes(join(dir, name), then, then)));
    },
    async stop() {
      if (child.exitCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
