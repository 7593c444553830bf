/** The directory every server serves: created once, reused while the sizes match. */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';

export const BIG_FILE = 'big.bin';
export const SMALL_DIR = 'small';
export const LIST_DIR = 'list';
/** Uploads land here; vsftpd's anonymous user must be able to write it. */
export const UPLOAD_DIR = 'upload';

export function smallFileName(i: number): string {
  return `${SMALL_DIR}/f${String(i).padStart(4, '0')}.bin`;
}

export async function prepareFixtures(config: BenchConfig, ftpUid: number | undefined): Promise<void> {
  mkdirSync(config.dir, { recursive: true });
  await ensureBigFile(join(config.dir, BIG_FILE), config.retrBytes);

  mkdirSync(join(config.dir, SMALL_DIR), { recursive: true });
  const small = randomBytes(config.smallFileBytes);
  for (let i = 0; i < config.smallFileCount; i++) {
    const path = join(config.dir, smallFileName(i));
    if (!existsSync(path) || statSync(path).size !== small.length) writeFileSync(path, small);
  }

  const listDir = join(config.dir, LIST_DIR);
  mkdirSync(listDir, { recursive: true });
  if (readdirSync(listDir).length !== config.listEntries) {
    rmSync(listDir, { recursive: true });
    mkdirSync(listDir);
    for (let i = 0; i < config.listEntries; i++) writeFileSync(join(listDir, `entry-${String(i).padStart(5, '0')}.txt`), '');
  }

  const uploadDir = join(config.dir, UPLOAD_DIR);
  rmSync(uploadDir, { recursive: true, force: true });
  mkdirSync(uploadDir);
  if (ftpUid !== undefined && userInfo().uid === 0) chownSync(uploadDir, ftpUid, 0);
}

/** A file of `size` bytes of incompressible data, written so it sits in the page cache. */
async function ensureBigFile(path: string, size: number): Promise<void> {
  if (existsSync(path) && statSync(path).size === size) return;
  const block = randomBytes(4 * 1024 * 1024);
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, size - written));
    }
  } finally {
    await handle.close();
  }
}
