/**
 * Small stream and assertion helpers for FileSystem tests. Exported because adapter
 * packages and end-to-end tests need the same things the contract suite does.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { isFsError, type FsError } from '@ftpkit/core';
import type { FileStat, FileSystem, FsErrorCode, WriteOptions } from '@ftpkit/core';

/** Chunk size used by {@link writeAll}, so multi-chunk uploads are exercised. */
const CHUNK = 64 * 1024;

/** Collect every byte of a readable stream. Rejects if the stream errors. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}

/**
 * Write `data` to `stream` in 64 KiB chunks, honouring backpressure, end it and wait
 * for `'finish'`, which the contract defines as "durably stored".
 */
export async function writeToStream(stream: Writable, data: Buffer | string): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const finished = once(stream, 'finish');
  // Keep a rejection from 'error' observed even while we are waiting on 'drain'.
  finished.catch(() => undefined);
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    if (!stream.write(bytes.subarray(offset, offset + CHUNK))) {
      await Promise.race([once(stream, 'drain'), finished]);
    }
  }
  stream.end();
  await finished;
}

/** Open `path` for writing through the contract and store `data` in it. */
export async function writeAll(
  fs: FileSystem,
  path: string,
  data: Buffer | string,
  options?: WriteOptions,
): Promise<void> {
  await writeToStream(await fs.write(path, options), data);
}

/** Read the whole file at `path` through the contract, as a UTF-8 string. */
export async function readText(fs: FileSystem, path: string, start?: number): Promise<string> {
  return (await readAll(await fs.read(path, start === undefined ? {} : { start }))).toString();
}

/** Collect a directory listing. */
export async function listAll(fs: FileSystem, path: string): Promise<FileStat[]> {
  const out: FileStat[] = [];
  for await (const entry of fs.list(path)) out.push(entry);
  return out;
}

/** Sorted entry names of a directory. */
export async function listNames(fs: FileSystem, path: string): Promise<string[]> {
  return (await listAll(fs, path)).map((e) => e.name).sort();
}

/**
 * Assert that `action` rejects (or throws) an {@link FsError} with `code`. Anything
 * else — success, a raw error, a different code — fails with a message naming it.
 */
export async function expectFsError(
  action: Promise<unknown> | (() => unknown),
  code: FsErrorCode,
): Promise<FsError> {
  let outcome: unknown;
  let threw = false;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (err) {
    threw = true;
    outcome = err;
  }
  assert.ok(threw, `expected FsError ${code}, but the operation succeeded`);
  assert.ok(
    isFsError(outcome),
    `expected FsError ${code}, got ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`,
  );
  assert.equal(outcome.code, code, `expected FsError ${code}, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}
