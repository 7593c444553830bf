/**
 * The backend-parametrised part of the end-to-end suite: the same transfer, listing and
 * file-operation tests run over the wire against any FileSystem adapter. A test file
 * calls {@link testBackend} with the adapter's factory (fs-memory now; fs-local and
 * fs-s3 with theirs).
 */
import { after } from 'node:test';
import type { FileSystem } from '@ftpkit/core';
import type { FileSystemFactory, FileSystemFixture } from '@ftpkit/fs-testkit';
import { useServer, type ServerFixture } from '../support/fixture.js';
import { fileOperationTests } from './files.js';
import { hashTests } from './hash.js';
import { listingTests } from './listing.js';
import { transferTests } from './transfers.js';

export interface Backend {
  /** Shown in test names, e.g. `fs-memory`. */
  name: string;
  /** Creates a fresh, empty file system (the fs-testkit factory shape). */
  makeFs: FileSystemFactory;
}

/** What each group of backend tests receives. */
export interface BackendContext {
  backend: Backend;
  /** A server whose users share one fresh file system of this backend. */
  t: ServerFixture;
  /** That file system, for seeding and checking files directly. */
  readonly fs: FileSystem;
}

/** Start a server over a fresh file system of `backend` for the enclosing describe. */
export function useBackendServer(backend: Backend): BackendContext {
  let fixture: FileSystemFixture | undefined;
  const t = useServer(async () => {
    fixture = await backend.makeFs();
    return { fs: fixture.fs };
  });
  // Registered after useServer's hooks, so this runs once the server has closed.
  after(async () => {
    await fixture?.fs.close?.();
    await fixture?.cleanup?.();
  });
  return {
    backend,
    t,
    get fs() {
      return t.fs;
    },
  };
}

/** Run every backend-parametrised group against `backend`. */
export function testBackend(backend: Backend): void {
  transferTests(backend);
  listingTests(backend);
  fileOperationTests(backend);
  hashTests(backend);
}
