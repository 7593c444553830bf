/** The directory every server serves: created once, reused while the sizes match. */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';

export const BIG_FILE = 'big.bin';
/** The FTPS and S3 transfers' file (`secureBytes`). */
export const SECURE_FILE = 'secure.bin';
export const SMALL_DIR = 'small';
export const LIST_DIR = 'list';
/** Uploads land here; vsftpd's anonymous user must be able to write it. */
export const UPLOAD_DIR = 'upload';
/** Folders of the many-file session scenarios' tree of small files. */
export const TREE_FOLDERS = 4;

/** The served tree's directory, named by its size so a run of another size gets its own. */
export function treeDir(config: BenchConfig): string {
  return `tree-${config.treeFiles}`;
}

/** Files per folder of the tree. */
export function treePerFolder(config: BenchConfig): number {
  return Math.ceil(config.treeFiles / TREE_FOLDERS);
}

/** Path of file `i` of folder `folder` inside a tree (`d1/f007.bin`). */
export function treeFile(folder: number, i: number): string {
  return `d${folder}/f${String(i).padStart(3, '0')}.bin`;
}

/** The client side's copy of the tree (what many-file uploads send), beside the served directory. */
export function clientTree(config: BenchConfig): string {
  return `${config.dir}-client/${treeDir(config)}`;
}

export function smallFileName(i: number): string {
  return `${SMALL_DIR}/f${String(i).padStart(4, '0')}.bin`;
}

export async function prepareFixtures(config: BenchConfig, ftpUid: number | undefined): Promise<void> {
  mkdirSync(config.dir, { recursive: true });
  await ensureBigFile(join(config.dir, BIG_FILE), config.retrBytes);
  await ensureBigFile(join(config.dir, SECURE_FILE), config.secureBytes);

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

  for (const root of [join(config.dir, treeDir(config)), clientTree(config)]) writeTree(root, config, small);

  const uploadDir = join(config.dir, UPLOAD_DIR);
  rmSync(uploadDir, { recursive: true, force: true });
  mkdirSync(uploadDir);
  if (ftpUid !== undefined && userInfo().uid === 0) chownSync(uploadDir, ftpUid, 0);
}

/** {@link TREE_FOLDERS} folders holding `treeFiles` small files between them. */
function writeTree(root: string, config: BenchConfig, content: Buffer): void {
  const perFolder = treePerFolder(config);
  for (let folder = 0; folder < TREE_FOLDERS; folder++) {
    mkdirSync(join(root, `d${folder}`), { recursive: true });
    for (let i = 0; i < perFolder; i++) {
      const path = join(root, treeFile(folder, i));
      if (!existsSync(path) || statSync(path).size !== content.length) writeFileSync(path, content);
    }
  }
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
