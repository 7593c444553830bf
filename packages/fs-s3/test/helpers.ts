/** Shared helpers for the fs-s3 tests. */
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buffer } from 'node:stream/consumers';
import { after, before } from 'node:test';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FileSystem } from '@ftpkit/core';
import { startS3rver, type S3rverInstance } from './s3rver.js';

/**
 * Start one s3rver for the enclosing suite (or file) and a client for it, stopped
 * after its tests. Read `server` and `client` inside hooks and tests, not before.
 */
export function useS3rver(): { readonly server: S3rverInstance; readonly client: S3Client } {
  const s3 = {} as { server: S3rverInstance; client: S3Client };
  before(async () => {
    s3.server = await startS3rver();
    s3.client = s3.server.client();
  });
  after(async () => {
    s3.client.destroy();
    await s3.server.stop();
  });
  return s3;
}

/** Deterministic pseudo-random bytes (xorshift), so content checks catch misordered parts. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A stream of `data` in chunks of `chunkSize` bytes. */
export function chunked(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
    })(),
  );
}

/** Upload `data` through `fs.write` and wait for `'finish'`. */
export async function writeFile(
  fs: FileSystem,
  path: string,
  data: Buffer | string,
  options: Parameters<FileSystem['write']>[1] = {},
): Promise<void> {
  const sink: Writable = await fs.write(path, options);
  await pipeline(chunked(Buffer.from(data)), sink);
}

/** The whole content of `path` through `fs.read`. */
export async function readFile(fs: FileSystem, path: string, start?: number): Promise<Buffer> {
  return buffer(await fs.read(path, { start }));
}

/** Names from `fs.list`, in the order yielded. */
export async function listNames(fs: FileSystem, path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of fs.list(path)) names.push(entry.name);
  return names;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Keys of the multipart uploads still open in `bucket`. */
export async function openUploads(client: S3Client, bucket: string): Promise<string[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => u.Key ?? '');
}

/** What a client sent: command names in order and the peak parallelism per command. */
export interface CommandLog {
  names: string[];
  count(name: string): number;
  peak(name: string): number;
}

/**
 * Observe the commands `client` sends (a pass-through middleware: requests still go
 * to the real server unchanged).
 */
export function recordCommands(client: S3Client): CommandLog {
  const names: string[] = [];
  const running = new Map<string, number>();
  const peaks = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      names.push(name);
      const now = (running.get(name) ?? 0) + 1;
      running.set(name, now);
      peaks.set(name, Math.max(peaks.get(name) ?? 0, now));
      try {
        return await next(args);
      } finally {
        running.set(name, (running.get(name) ?? 1) - 1);
      }
    },
    { step: 'initialize', name: 'ftpkitTestRecorder' },
  );
  return {
    names,
    count: (name) => names.filter((n) => n === name).length,
    peak: (name) => peaks.get(name) ?? 0,
  };
}
