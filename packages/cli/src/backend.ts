/** Builds the file system the flags ask for. */
import type { FileSystem } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type BackendConfig } from './args.js';

/** A short description for the startup line, e.g. `memory` or `directory /srv/ftp`. */
export function describeBackend(backend: BackendConfig): string {
  switch (backend.kind) {
    case 'memory':
      return 'in-memory file system';
    case 'local':
      return `directory ${backend.root}`;
    case 's3':
      return `S3 bucket ${backend.bucket}${backend.prefix ? `/${backend.prefix}` : ''}`;
  }
}

const DEMO_FILES = {
  '/README.txt': 'Welcome to ftpkit. This file system lives in memory and is gone when the server stops.\n',
  '/upload': null,
};

/** One file system shared by every user of the server. */
export async function createFileSystem(backend: BackendConfig): Promise<FileSystem> {
  switch (backend.kind) {
    case 'memory':
      return new MemoryFileSystem({ files: DEMO_FILES });
    case 'local': {
      const root = resolve(backend.root);
      const info = await stat(root).catch(() => undefined);
      if (!info?.isDirectory()) throw new UsageError(`--root ${backend.root} is not a directory`);
      return new LocalFileSystem({ root });
    }
    case 's3':
      throw new UsageError('--s3-bucket needs the @ftpkit/fs-s3 adapter, which this build does not include yet');
  }
}
