/** Small helpers shared by fs-local's tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import assert from 'node:assert/strict';
import { FsError, type FileStat, type FileSystem, type FsErrorCode } from '@ftpkit/core';

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function makeTempDir(prefix = 'fs-local-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Upload `data` to `path` and wait for 'finish'. */
export async function upload(
  fs: FileSystem,
  path: string,
  data: string | Buffer,
  options?: Parameters<FileSystem['write']>[1],
): Promise<void> {
  await pipeline(Readable.from([Buffer.from(data)]), await fs.write(path, options));
}

/** Download `path` as text. */
export { readText as download } from '@ftpkit/fs-testkit';

/** Every entry of `path`, sorted by name. */
export async function listAll(fs: FileSystem, path: string): Promise<FileStat[]> {
  const out: FileStat[] = [];
  for await (const entry of fs.list(path)) out.push(entry);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Assert `work` rejects with an FsError whose code is one of `codes`; returns it. */
export async function rejectsWith(work: Promise<unknown> | (() => Promise<unknown>), ...codes: FsErrorCode[]): Promise<FsError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    assert.ok(err instanceof FsError, `expected an FsError, got ${String(err)}`);
    assert.ok(codes.includes(err.code), `expected ${codes.join(' or ')}, got ${err.code}`);
    return err;
  }
  assert.fail(`expected ${codes.join(' or ')}, but it succeeded`);
}

/**
 * The `skip` of a suite that needs an addon feature: false when `available`, and under
 * CI on Linux (where the addon must be built: fail rather than skip) unless disabled
 * by FTPKIT_NATIVE=0; otherwise the reason to skip.
 */
export function skipWithoutAddon(available: boolean | undefined): false | string {
  if (available) return false;
  return process.env.CI && process.env.FTPKIT_NATIVE !== '0' && process.platform === 'linux' ? false : 'the addon is not loaded here';
}
