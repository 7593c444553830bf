/** Builds the file systems the config asks for: one per storage and user root, shared by sessions. */
import type { FileSystem, StateStore } from '@ftpkit/core';
import { LocalFileSystem } from '@ftpkit/fs-local';
import { MemoryFileSystem } from '@ftpkit/fs-memory';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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

/**
 * The file systems of a running server, created once per distinct storage and root:
 * a user's `root` is a directory of the storage (on disk a sub-directory, created when
 * missing; in memory a tree of its own).
 */
export class Storages {
  private readonly cache = new Map<string, Promise<FileSystem>>();

  /**
   * @param demo seed an in-memory root with the demo's welcome files
   * @param resumeStore where S3 keeps the records of uploads waiting for a resume (the
   *   shared state, so that a resume may reach any node or worker); default per process
   */
  constructor(
    private readonly demo = false,
    private readonly resumeStore?: StateStore,
  ) {}

  /** The file system whose `/` is `root` of `backend`. */
  get(backend: BackendConfig, root = '/'): Promise<FileSystem> {
    const key = JSON.stringify([backend, root]);
    let fs = this.cache.get(key);
    if (!fs) {
      fs = create(backend, root, this.demo, this.resumeStore);
      this.cache.set(key, fs);
      fs.catch(() => this.cache.delete(key));
    }
    return fs;
  }
}

async function create(backend: BackendConfig, root: string, demo: boolean, resumeStore: StateStore | undefined): Promise<FileSystem> {
  switch (backend.kind) {
    case 'memory':
      return new MemoryFileSystem(demo && root === '/' ? { files: DEMO_FILES } : {});
    case 'local': {
      const top = await stat(backend.root).catch(() => undefined);
      if (!top?.isDirectory()) throw new UsageError(`storage root ${backend.root} is not a directory`);
      const dir = join(resolve(backend.root), root);
      if (root !== '/') await mkdir(dir, { recursive: true });
      return new LocalFileSystem({
        root: dir,
        ...(backend.uploadPolicy ? { uploadPolicy: backend.uploadPolicy } : {}),
        staleUploadAge: backend.staleUploadAge,
        sweepInterval: backend.sweepInterval,
        ...(backend.fsync !== undefined ? { fsync: backend.fsync } : {}),
      });
    }
    case 's3':
      return openBucket(backend, root, resumeStore);
  }
}

/**
 * An S3 file system under `prefix`/`root`. Credentials come from the SDK's standard
 * chain (AWS_* environment variables, profiles, instance roles). The bucket is listed
 * once so that a wrong name, endpoint or credential fails at startup, not at login.
 */
async function openBucket(backend: Extract<BackendConfig, { kind: 's3' }>, root: string, resumeStore: StateStore | undefined): Promise<FileSystem> {
  // Loaded only when S3 is configured: fs-s3 brings the AWS SDK, most of the program's start-up time.
  const { S3FileSystem, presetClientConfig } = await import('@ftpkit/fs-s3');
  const prefix = [backend.prefix, root].map((p) => p?.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
  // Flags and the AWS environment win over the preset; us-east-1 when nothing names a region.
  const clientConfig = presetClientConfig(backend.preset, {
    region: backend.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    ...(backend.forcePathStyle ? { forcePathStyle: true } : {}),
    ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
  });
  clientConfig.region ??= 'us-east-1';
  const fs = new S3FileSystem({
    bucket: backend.bucket,
    ...(prefix ? { prefix } : {}),
    staleUploadAge: backend.staleUploadAge,
    sweepInterval: backend.sweepInterval,
    ...(backend.preset ? { preset: backend.preset } : {}),
    // In the shared state (Redis, or the cluster primary) a resume may reach any node or worker.
    ...(backend.resumableUploads ? { resumableUploads: resumeStore ? { store: resumeStore } : {} } : {}),
    clientConfig,
  });
  try {
    for await (const entry of fs.list('/')) {
      void entry;
      break;
    }
  } catch (err) {
    await fs.close?.();
    throw new UsageError(`cannot use S3 bucket ${backend.bucket}: ${(err as Error).message}`);
  }
  return fs;
}
